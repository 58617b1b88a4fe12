package chorus.node.session;

import chorus.actors.feature.invite.Invites;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.metrics.NodeMetrics;
import chorus.actors.router.Router;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.DomainJid;
import chorus.node.config.C2sSettings;
import chorus.node.config.RegistrationSettings;
import chorus.node.sasl.SaslMechanisms;
import chorus.node.sasl2.Sasl2Settings;
import org.apache.pekko.actor.typed.RecipientRef;

import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * What every client session of this node shares, whatever its transport.
 *
 * @param accounts   the entity of an account (by bare JID), wherever it runs
 * @param mailboxes  the mailbox of an account (by bare JID)
 * @param registry   the node's count of its sessions
 * @param extensions the per-session features of every bound session, in order
 * @param metrics    where sessions count the stanzas they take and write, how long their messages take to arrive,
 *                   and logins by outcome
 * @param invites    invitations (XEP-0401/0445), or null when the node has none
 * @param guards     what keeps the sessions within their limits (login throttle, hashing pool, idle watch)
 * @param sasl2      SASL2 and Bind 2 (XEP-0388, XEP-0386)
 */
public record SessionContext(DomainJid domain, C2sSettings c2s, RegistrationSettings registration, Router router,
                             Function<String, RecipientRef<UserEntity.Command>> accounts,
                             Function<String, RecipientRef<MailboxEntity.Command>> mailboxes, Clock clock,
                             SessionRegistry registry, SaslMechanisms sasl, AccountAdmin admin,
                             RegistrationLimiter limiter, List<SessionExtension.Factory> extensions,
                             NodeMetrics metrics, SessionGuards guards, Invites invites,
                             Sasl2Settings sasl2) {

    public SessionContext {
        extensions = List.copyOf(extensions);
    }

    /** Whether invitations may be redeemed on this stream's node. */
    public boolean invitesOn() {
        return invites != null && invites.enabled();
    }

    /** The same, for the sessions of another transport, counted by its own registry. */
    public SessionContext withRegistry(SessionRegistry other) {
        return new SessionContext(domain, c2s, registration, router, accounts, mailboxes, clock, other, sasl, admin,
            limiter, extensions, metrics, guards, invites, sasl2);
    }

    @Override
    public String toString() {
        return "SessionContext[" + domain + "]";
    }
}
