package chorus.actors.feature.admin;

import chorus.actors.feature.adhoc.AdHocCommand;
import chorus.actors.feature.adhoc.AdHocCommand.Outcome;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.JidMalformedException;
import chorus.actors.xmpp.StanzaError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The XEP-0133 commands the server offers its admins (§4.1 add, §4.2 delete, §4.5 end sessions, §4.7 change password,
 * §4.13 registered users, §4.15 online users, §4.23 announce), each a node under
 * {@code http://jabber.org/protocol/admin#}. Only the configured admins see or run them. Passwords go to the
 * {@link ServerAdmin} and nowhere else: no form value is logged, kept or echoed.
 */
public final class AdminCommands {
    public static final String FORM_TYPE = "http://jabber.org/protocol/admin";
    public static final String PREFIX = FORM_TYPE + "#";

    private final ServerAdmin admin;
    private final DomainJid domain;
    private final Set<BareJid> admins;

    public AdminCommands(ServerAdmin admin, DomainJid domain, Set<BareJid> admins) {
        this.admin = admin;
        this.domain = domain;
        this.admins = Set.copyOf(admins);
    }

    /** Every command, in the order of XEP-0133's use cases. */
    public List<AdHocCommand> all() {
        return List.of(
            command("add-user", "Add a User", form("Adding a User", "Fill out this form to add a user.")
                    .required("accountjid", "jid-single", "The Jabber ID for the account to be added")
                    .field("password", "text-private", "The password for this account", null)
                    .field("password-verify", "text-private", "Retype password", null)
                    .field("email", "text-single", "Email address", null)
                    .field("given_name", "text-single", "Given name", null)
                    .field("surname", "text-single", "Family name", null).get(),
                this::addUser),
            command("delete-user", "Delete a User", form("Deleting a User", "Fill out this form to delete a user.")
                    .required("accountjids", "jid-multi", "The Jabber ID(s) to delete").get(),
                (who, v) -> each(v, "accountjids", this::account, admin::deleteUser, "deleted")),
            command("end-user-session", "End a User Session",
                form("Ending a User Session", "Fill out this form to end a user's session.")
                    .required("accountjids", "jid-multi", "The Jabber ID(s) for which to end sessions").get(),
                this::endSessions),
            command("change-user-password", "Change User Password",
                form("Changing a User Password", "Fill out this form to change a user's password.")
                    .required("accountjid", "jid-single", "The Jabber ID for this account")
                    .required("password", "text-private", "The password for this account").get(),
                this::changePassword),
            command("get-registered-users-num", "Get Number of Registered Users", null,
                (who, v) -> admin.registeredUsers().thenApply(n -> number("registeredusersnum",
                    "The number of registered users", n))),
            command("get-online-users-num", "Get Number of Online Users", null,
                (who, v) -> admin.onlineUsers().thenApply(n -> number("onlineusersnum", "The number of online users", n))),
            command("announce", "Send Announcement to Online Users",
                form("Making an Announcement", "Fill out this form to make an announcement to all active users of this service.")
                    .field("subject", "text-single", "Subject", null)
                    .required("announcement", "text-multi", "Announcement").get(),
                this::announce));
    }

    private CompletionStage<Outcome> addUser(Jid who, Map<String, List<String>> v) {
        return withPassword(v, (account, password) -> settled(admin.addUser(account, password),
            r -> r == ServerAdmin.Result.EXISTS ? Outcome.failed(StanzaError.Condition.CONFLICT, "the account exists")
                : Outcome.done("Created " + account)));
    }

    private CompletionStage<Outcome> changePassword(Jid who, Map<String, List<String>> v) {
        return withPassword(v, (account, password) -> settled(admin.changePassword(account, password),
            r -> r == ServerAdmin.Result.NO_SUCH_ACCOUNT ? Outcome.failed(StanzaError.Condition.ITEM_NOT_FOUND,
                "no such account") : Outcome.done("Password changed for " + account)));
    }

    /** The form's account and password (its retyped password, when the form has one, must match). */
    private CompletionStage<Outcome> withPassword(Map<String, List<String>> v,
                                                  BiFunction<BareJid, String, CompletionStage<Outcome>> then) {
        BareJid account;
        try {
            account = account(one(v, "accountjid"));
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        String password = one(v, "password");
        String verify = one(v, "password-verify");
        if (password == null || password.isEmpty()) {
            return bad("a password is required");
        }
        if (verify != null && !verify.equals(password)) {
            return bad("the passwords differ");
        }
        return then.apply(account, password);
    }

    /** §4.5: a bare JID ends every session of the account, a full JID that resource's only. */
    private CompletionStage<Outcome> endSessions(Jid who, Map<String, List<String>> v) {
        return each(v, "accountjids", s -> {
            Jid j = Jid.parse(s);
            if (j.local() == null || !j.domain().equals(domain.domain())) {
                throw new IllegalArgumentException("not an account of " + domain);
            }
            return j;
        }, j -> admin.endSessions(j).thenApply(n -> ServerAdmin.Result.DONE), "ended the sessions of");
    }

    private CompletionStage<Outcome> announce(Jid who, Map<String, List<String>> v) {
        List<String> lines = v.getOrDefault("announcement", List.of());
        String body = String.join("\n", lines);
        if (body.isBlank()) {
            return bad("the announcement is empty");
        }
        String subject = one(v, "subject");
        return admin.announce(subject == null || subject.isBlank() ? null : subject, body)
            .thenApply(n -> Outcome.done("Sent to " + n + " online " + (n == 1 ? "resource" : "resources")));
    }

    /** A command run on each address of a jid-multi field; the note says what was done and what was not. */
    private <J extends Jid> CompletionStage<Outcome> each(Map<String, List<String>> v, String field, Function<String, J> parse,
                                                          Function<J, CompletionStage<ServerAdmin.Result>> act,
                                                          String verb) {
        List<String> given = v.getOrDefault(field, List.of()).stream().filter(s -> !s.isBlank()).toList();
        if (given.isEmpty()) {
            return bad("no address given");
        }
        List<J> jids = new ArrayList<>();
        for (String s : given) {
            try {
                jids.add(parse.apply(s.strip()));
            } catch (IllegalArgumentException e) {
                return bad("'" + s + "': " + e.getMessage());
            }
        }
        List<CompletableFuture<ServerAdmin.Result>> runs = new ArrayList<>();
        for (J j : jids) {
            runs.add(act.apply(j).toCompletableFuture());
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).thenApply(x -> {
            List<AdHocCommand.Note> notes = new ArrayList<>();
            List<String> done = new ArrayList<>();
            for (int i = 0; i < jids.size(); i++) {
                if (runs.get(i).join() == ServerAdmin.Result.NO_SUCH_ACCOUNT) {
                    notes.add(AdHocCommand.Note.warn("No such account: " + jids.get(i)));
                } else {
                    done.add(jids.get(i).toString());
                }
            }
            if (!done.isEmpty()) {
                notes.add(0, AdHocCommand.Note.info(capitalized(verb) + " " + String.join(", ", done)));
            }
            return (Outcome) new Outcome.Completed(null, notes);
        });
    }

    /** An account address of this domain (a bare JID; a resource is not an account). */
    private BareJid account(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("an account address is required");
        }
        Jid j;
        try {
            j = Jid.parse(s.strip());
        } catch (JidMalformedException e) {
            throw new IllegalArgumentException("not an address");
        }
        if (j.local() == null || j.isFull() || !j.domain().equals(domain.domain())) {
            throw new IllegalArgumentException("not an account of " + domain);
        }
        return (BareJid) j;
    }

    /** A change's answer; an unusable password is bad-request, anything else that failed internal-server-error. */
    private static CompletionStage<Outcome> settled(CompletionStage<ServerAdmin.Result> stage,
                                                    Function<ServerAdmin.Result, Outcome> outcome) {
        return stage.handle((r, e) -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof IllegalArgumentException) {
                return Outcome.failed(StanzaError.Condition.BAD_REQUEST, "the password cannot be used");
            }
            if (cause != null) {
                throw new CompletionException(cause);
            }
            return outcome.apply(r);
        });
    }

    private static CompletionStage<Outcome> bad(String text) {
        return CompletableFuture.completedFuture(new Outcome.Failed(StanzaError.of(StanzaError.Condition.BAD_REQUEST, text)
            .withApplication(Element.of("bad-payload", chorus.actors.feature.adhoc.AdHocHandler.NS))));
    }

    private static Outcome number(String var, String label, int n) {
        return Outcome.result(DataForm.build("result", FORM_TYPE).field(var, null, label, Integer.toString(n)).get());
    }

    private static DataForm.Builder form(String title, String instructions) {
        return DataForm.build("form", FORM_TYPE).title(title).instructions(instructions);
    }

    private static String one(Map<String, List<String>> v, String var) {
        List<String> values = v.get(var);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private AdHocCommand command(String name, String label, Element form,
                                 BiFunction<Jid, Map<String, List<String>>, CompletionStage<Outcome>> run) {
        return AdHocCommand.of(PREFIX + name, label,
            requester -> requester.local() != null && admins.contains((BareJid) requester.bare()), form, run);
    }

    @Override
    public String toString() {
        return "AdminCommands[" + admins.size() + " admins]";
    }
}
