package chorus.actors.user;

import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.roster.Roster;
import chorus.actors.feature.roster.RosterHandler;
import chorus.actors.feature.roster.RosterItem;
import chorus.actors.feature.roster.RosterXml;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import org.apache.pekko.persistence.typed.javadsl.Effect;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** The entity's side of roster IQs (RFC 6121 §2): answers, persists, and pushes to interested resources. */
final class RosterIq {
    private static final AtomicLong PUSH_IDS = new AtomicLong();

    private RosterIq() {
    }

    static Effect<AccountEvent, UserEntity.State> handle(UserEntity entity, UserEntity.State s, LiveSession sender,
                                                            Iq iq) {
        RosterHandler.Result r = RosterHandler.handle(iq, entity.jid(), s.roster(),
            entity.presence().limits());
        if (r instanceof RosterHandler.Result.Failed f) {
            deliver(sender, f.reply());
            return entity.effects().none();
        }
        if (r instanceof RosterHandler.Result.Fetched f) {
            // RFC 6121 §2.1.6: a resource that asked for the roster receives pushes from now on.
            sender.interested = true;
            deliver(sender, f.reply());
            return entity.effects().none();
        }
        RosterHandler.Result.Changed c = (RosterHandler.Result.Changed) r;
        // RFC 6121 §2.3.2: the result follows the pushes.
        return entity.presence().apply(entity, s, c.outcome(), () -> {
        }, () -> deliver(sender, c.reply()));
    }

    /** Sends a roster push for this contact to every interested resource (RFC 6121 §2.1.6). */
    static void push(UserEntity entity, Roster roster, Jid contact, Optional<RosterItem> item) {
        for (LiveSession ls : entity.sessions().values()) {
            if (ls.interested) {
                Iq push = RosterXml.push(ls.jid, "push-" + PUSH_IDS.incrementAndGet(), contact, item, roster.version());
                ls.tell(new SessionMessage.Deliver(push));
            }
        }
    }

    private static void deliver(LiveSession to, Iq reply) {
        to.tell(new SessionMessage.Deliver(reply));
    }
}
