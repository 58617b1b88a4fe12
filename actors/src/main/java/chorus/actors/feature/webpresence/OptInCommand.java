package chorus.actors.feature.webpresence;

import chorus.actors.feature.disco.DiscoReply;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The XEP-0050 ad-hoc command at the account's own address by which its user turns the badge on or off: listed in
 * disco#items of the commands node (§2.2), described by disco#info (§2.4), and run in two steps (§3.4): execute gets a
 * form with the current choice, complete (or execute with the submitted form) sets it. Any client that runs ad-hoc
 * commands can use it (Gajim, Psi, Converse.js, Smack's AdHocCommandManager) by naming the user's own JID.
 */
final class OptInCommand {
    static final String COMMANDS = "http://jabber.org/protocol/commands";
    static final String NODE = "urn:chorus:webpresence";
    static final String NAME = "Web presence badge";
    static final String FIELD = "shown";
    private static final String INFO = "http://jabber.org/protocol/disco#info";
    private static final String ITEMS = "http://jabber.org/protocol/disco#items";
    private static final SecureRandom RANDOM = new SecureRandom();

    private OptInCommand() {
    }

    /** A request this command answers. */
    static boolean owns(Iq iq) {
        if (iq.type() == Iq.Type.GET) {
            return iq.payload().filter(q -> q.is("query", ITEMS) && COMMANDS.equals(q.attr("node"))
                || q.is("query", INFO) && NODE.equals(q.attr("node"))).isPresent();
        }
        return iq.type() == Iq.Type.SET && iq.payload().filter(c -> c.is("command", COMMANDS) && NODE.equals(c.attr("node")))
            .isPresent();
    }

    /** The disco answers (the list of commands, the command's description); null for a command request. */
    static Iq disco(Iq iq, String account) {
        Element q = iq.payload().orElseThrow();
        if (q.is("query", ITEMS)) {
            return iq.result(DiscoReply.items(COMMANDS).item(account, NODE, NAME).get());
        }
        if (q.is("query", INFO)) {
            return iq.result(DiscoReply.info(NODE).identity("automation", "command-node", NAME).feature(COMMANDS)
                .feature(DataForm.NS).get());
        }
        return null;
    }

    /** The choice a request submits: TRUE/FALSE, or null when it asks for the form, or cancels (see {@link #cancels}). */
    static Boolean submitted(Iq iq) {
        Element c = iq.payload().orElseThrow();
        return c.child("x", DataForm.NS).filter(x -> DataForm.type(x).equals("submit"))
            .map(x -> DataForm.values(x).getOrDefault(FIELD, List.of()))
            .map(v -> !v.isEmpty() && DataForm.isTrue(v.get(0)))
            .orElse(null);
    }

    static boolean cancels(Iq iq) {
        return "cancel".equals(iq.payload().orElseThrow().attr("action"));
    }

    /** §3.4: the form, with the current choice; the client completes it. */
    static Iq form(Iq iq, boolean shown) {
        Element form = DataForm.build("form", NODE).title(NAME)
            .field("instructions", "fixed", null, "Show whether this account is online on the web, at /status/USER "
                + "of this server (an image and JSON). Nothing else is shown: not your status text, not your contacts.")
            .bool(FIELD, "Show my availability on the web", shown).get();
        return iq.result(command(iq, "executing", sessionId(iq))
            .child(Element.build("actions", COMMANDS).attr("execute", "complete").child(Element.of("complete", COMMANDS))
                .get())
            .child(form).get());
    }

    /** §3.4: done, with a note saying what now holds. */
    static Iq completed(Iq iq, boolean shown) {
        return iq.result(command(iq, "completed", sessionId(iq))
            .child(Element.build("note", COMMANDS).attr("type", "info").text(shown
                ? "Your availability is now shown on the web." : "Nothing about your account is shown on the web.").get())
            .get());
    }

    static Iq canceled(Iq iq) {
        return iq.result(command(iq, "canceled", sessionId(iq)).get());
    }

    private static Element.Builder command(Iq iq, String status, String session) {
        return Element.build("command", COMMANDS).attr("node", NODE).attr("sessionid", session).attr("status", status);
    }

    /** The client's session id, or a new one (the command keeps no state between its steps). */
    private static String sessionId(Iq iq) {
        String given = iq.payload().orElseThrow().attr("sessionid");
        if (given != null && !given.isEmpty()) {
            return given;
        }
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
