package chorus.actors.feature.invite;

import chorus.actors.feature.adhoc.AdHocCommand;
import chorus.actors.feature.adhoc.AdHocCommand.Outcome;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.StanzaError;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The XEP-0050 commands that make invitations, as Prosody's mod_invites_adhoc names them: {@code urn:xmpp:invite#invite}
 * for this server's users (when {@code chorus.invites.user-invites} is on) and {@code urn:xmpp:invite#create-account}
 * for its admins. Both run at once and answer a result form with the {@code uri} and its {@code expire} time.
 */
public final class InviteCommands {
    public static final String NS = "urn:xmpp:invite";
    public static final String INVITE = NS + "#invite";
    public static final String CREATE_ACCOUNT = NS + "#create-account";

    private final Invites invites;
    private final DomainJid domain;
    private final Set<BareJid> admins;

    public InviteCommands(Invites invites, DomainJid domain, Set<BareJid> admins) {
        this.invites = invites;
        this.domain = domain;
        this.admins = Set.copyOf(admins);
    }

    /** The commands, none when invitations are off. */
    public List<AdHocCommand> all() {
        if (!invites.enabled()) {
            return List.of();
        }
        return List.of(
            command(INVITE, "Invite someone to register and become your contact",
                who -> invites.settings().userInvites() && ours(who),
                who -> invites.user((BareJid) who.bare())),
            command(CREATE_ACCOUNT, "Create an account invitation",
                who -> ours(who) && admins.contains((BareJid) who.bare()), who -> invites.account()));
    }

    private boolean ours(Jid who) {
        return who.local() != null && who.domain().equals(domain.domain());
    }

    private static CompletionStage<Outcome> made(CompletionStage<Invite> stage) {
        return stage.handle((invite, e) -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof Invites.Refused r) {
                return Outcome.failed(StanzaError.Condition.NOT_ALLOWED, r.getMessage());
            }
            if (cause != null) {
                throw new CompletionException(cause);
            }
            return Outcome.result(DataForm.build("result", null).title("Invitation")
                .field("uri", "text-single", "Invite URI", invite.uri())
                .field("expire", "text-single", "Valid until", invite.expires().toString()).get());
        });
    }

    private static AdHocCommand command(String node, String label, Predicate<Jid> allowed,
                                        Function<Jid, CompletionStage<Invite>> make) {
        return AdHocCommand.of(node, label, allowed, null, (who, values) -> made(make.apply(who)));
    }
}
