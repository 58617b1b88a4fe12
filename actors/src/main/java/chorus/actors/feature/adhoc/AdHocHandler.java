package chorus.actors.feature.adhoc;

import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.IqResult;
import chorus.actors.feature.disco.DiscoHandler;
import chorus.actors.feature.disco.DiscoReply;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.StanzaError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * XEP-0050 at the server: the command list in disco#items under {@value #NS} (only what the requester may run) and
 * each command's disco#info (§2.2), execution (§3.1) and two-stage commands with a form and a session (§3.2), canceling
 * (§3.3), and the errors of §6.4. It sits before the server's disco handler so that it answers the command nodes.
 * A command's work runs without blocking: its answer goes out when the command completes.
 */
public final class AdHocHandler implements IqHandler {
    public static final String NS = "http://jabber.org/protocol/commands";
    private static final Set<String> ACTIONS = Set.of("execute", "next", "complete", "cancel", "prev");

    private final Map<String, AdHocCommand> commands = new LinkedHashMap<>();
    private final CommandSessions sessions;

    public AdHocHandler(List<? extends AdHocCommand> commands, CommandSessions sessions) {
        commands.forEach(c -> this.commands.put(c.node(), c));
        this.sessions = sessions;
    }

    @Override
    public Set<String> discoFeatures() {
        return Set.of(NS);
    }

    @Override
    public boolean owns(Iq iq) {
        if (iq.payloadIs(NS, "command")) {
            return true;
        }
        Element q = iq.payload().orElse(null);
        if (q == null || !q.name().equals("query") || q.attr("node") == null) {
            return false;
        }
        return q.ns().equals(DiscoHandler.ITEMS) && q.attr("node").equals(NS)
            || q.ns().equals(DiscoHandler.INFO) && commands.containsKey(q.attr("node"));
    }

    @Override
    public IqResult handle(Iq iq, IqContext ctx) {
        Element q = iq.payload().orElseThrow();
        Jid requester = iq.from();
        if (!q.ns().equals(NS)) {
            return IqResult.reply(disco(iq, q, ctx, requester));
        }
        if (iq.type() != Iq.Type.SET) {
            return error(iq, StanzaError.Condition.BAD_REQUEST, null);
        }
        AdHocCommand command = commands.get(q.attr("node"));
        if (command == null) {
            return error(iq, StanzaError.Condition.ITEM_NOT_FOUND, null);
        }
        if (requester == null || !command.allowed(requester)) {
            // XEP-0050 §6.4 and XEP-0133 §5: only those with the privilege run a command.
            return error(iq, StanzaError.Condition.FORBIDDEN, null);
        }
        String action = q.attr("action") == null ? "execute" : q.attr("action");
        if (!ACTIONS.contains(action)) {
            return error(iq, StanzaError.Condition.BAD_REQUEST, "malformed-action");
        }
        String id = q.attr("sessionid");
        if (id == null) {
            if (!action.equals("execute") && !action.equals("complete")) {
                return error(iq, StanzaError.Condition.BAD_REQUEST, "bad-action");
            }
            if (command.form() == null) {
                return run(iq, command, sessions.id(command.node()), requester, Map.of());
            }
            String opened = sessions.open(requester, command.node());
            Element answer = answer(command, opened, "executing")
                .child(Element.build("actions", NS).attr("execute", "complete").child(Element.of("complete", NS)).get())
                .child(command.form())
                .get();
            return IqResult.reply(iq.result(answer));
        }
        CommandSessions.Lookup found = sessions.find(id, requester, command.node());
        if (found == CommandSessions.Lookup.UNKNOWN) {
            return error(iq, StanzaError.Condition.BAD_REQUEST, "bad-sessionid");
        }
        if (found == CommandSessions.Lookup.EXPIRED) {
            return error(iq, StanzaError.Condition.NOT_ALLOWED, "session-expired");
        }
        if (action.equals("cancel")) {
            sessions.close(id);
            return IqResult.reply(iq.result(answer(command, id, "canceled").get()));
        }
        if (action.equals("prev")) {
            return error(iq, StanzaError.Condition.BAD_REQUEST, "bad-action");
        }
        Element form = q.child("x", DataForm.NS).orElse(null);
        // §4.1.3 of XEP-0050's data forms use: a cancel form counts as a submission.
        if (form == null || !(DataForm.type(form).equals("submit") || DataForm.type(form).equals("cancel"))) {
            return error(iq, StanzaError.Condition.BAD_REQUEST, "bad-payload");
        }
        sessions.close(id);
        return run(iq, command, id, requester, DataForm.values(form));
    }

    /** Runs the command; its outcome is the answer, whenever it comes. */
    private IqResult run(Iq iq, AdHocCommand command, String id, Jid requester, Map<String, List<String>> values) {
        CompletionStage<Iq> answer = command.run(requester, values).thenApply(outcome -> {
            if (outcome instanceof AdHocCommand.Outcome.Failed f) {
                return iq.error(f.error());
            }
            AdHocCommand.Outcome.Completed done = (AdHocCommand.Outcome.Completed) outcome;
            Element.Builder b = answer(command, id, "completed");
            for (AdHocCommand.Note n : done.notes()) {
                b.child(Element.build("note", NS).attr("type", n.type()).text(n.text()).get());
            }
            if (done.result() != null) {
                b.child(done.result());
            }
            return iq.result(b.get());
        });
        return new IqResult.Later(iq, answer);
    }

    private static Element.Builder answer(AdHocCommand command, String id, String status) {
        return Element.build("command", NS).attr("node", command.node()).attr("sessionid", id).attr("status", status);
    }

    /** XEP-0050 §2.2: the list holds what this requester may run; another command's node is unknown to it. */
    private Iq disco(Iq iq, Element q, IqContext ctx, Jid requester) {
        if (iq.type() != Iq.Type.GET) {
            return iq.error(StanzaError.of(StanzaError.Condition.BAD_REQUEST));
        }
        String server = ctx.domain().toString();
        if (q.ns().equals(DiscoHandler.ITEMS)) {
            DiscoReply items = DiscoReply.items(NS);
            for (AdHocCommand c : commands.values()) {
                if (requester != null && c.allowed(requester)) {
                    items.item(server, c.node(), c.name());
                }
            }
            return iq.result(items.get());
        }
        AdHocCommand c = commands.get(q.attr("node"));
        if (requester == null || !c.allowed(requester)) {
            return iq.error(StanzaError.of(StanzaError.Condition.ITEM_NOT_FOUND));
        }
        return iq.result(DiscoReply.info(c.node()).identity("automation", "command-node", c.name())
            .feature(NS).feature(DataForm.NS).get());
    }

    /** An error reply, with XEP-0050's specific condition when there is one (§6.4). */
    private static IqResult error(Iq iq, StanzaError.Condition condition, String specific) {
        StanzaError e = StanzaError.of(condition);
        if (specific != null) {
            e = e.withApplication(Element.of(specific, NS));
        }
        return IqResult.reply(iq.error(e));
    }

    @Override
    public String toString() {
        return "AdHocHandler" + commands.keySet();
    }
}
