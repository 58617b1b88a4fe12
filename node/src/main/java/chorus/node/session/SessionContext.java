package chorus.node.session;

import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.metrics.NodeMetrics;
import chorus.actors.router.Router;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.DomainJid;
import chorus.node.config.C2sSettings;
import chorus.node.config.RegistrationSettings;
import chorus.node.sasl.SaslMechanisms;
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
 * @param metrics    where sessions count the stanzas they take and write, and how long their messages take to arrive
 */
public record SessionContext(DomainJid domain, C2sSettings c2s, RegistrationSettings registration, Router router,
                             Function<String, RecipientRef<UserEntity.Command>> accounts,
                             Function<String, RecipientRef<MailboxEntity.Command>> mailboxes, Clock clock,
                             SessionRegistry registry, SaslMechanisms sasl, AccountAdmin admin,
                             RegistrationLimiter limiter, List<SessionExtension.Factory> extensions,
                             NodeMetrics metrics) {

    public SessionContext {
        extensions = List.copyOf(extensions);
    }

    @Override
    public String toString() {
        return "SessionContext[" + domain + "]";
    }
}
