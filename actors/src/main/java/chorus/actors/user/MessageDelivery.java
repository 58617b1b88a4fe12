package chorus.actors.user;

import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.mailbox.Offline;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.StanzaError;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Messages to the account (RFC 6121 §8.5), delivered so that each is settled exactly once: handed to a session
 * (which acknowledges once it wrote it), bounced, dropped by the rules, or stored by the mailbox (XEP-0160). A
 * sending session of this server hears when its message is settled, and a copy it sends again is only
 * acknowledged.
 */
final class MessageDelivery {
    private static final int ACCEPTED_WINDOW = 4096;

    /** The session of this server that sent a message and waits to hear it arrived, if any. */
    record Sender(ActorRef<SessionMessage> ackTo, long seq) {
        static final Sender NONE = new Sender(null, 0);

        void ack() {
            if (ackTo != null) {
                ackTo.tell(new SessionMessage.Accepted(seq));
            }
        }
    }

    /** The mailbox answered (or did not) about a message it was asked to store. */
    record StoreResult(Message message, MailboxEntity.StoreReply reply, Throwable failure, Sender ack)
        implements UserEntity.Command {
    }

    private final ActorContext<UserEntity.Command> ctx;
    private final BareJid jid;
    private final UserEntity.Deps deps;
    private final Map<String, LiveSession> sessions;
    private final UserEntity entity;
    /**
     * The sequence numbers each sending session recently had accepted here, so a copy sent again is only
     * acknowledged. A set, not a high-water mark: after a failover, copies arrive out of order.
     */
    private final Map<ActorRef<SessionMessage>, TreeSet<Long>> accepted = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ActorRef<SessionMessage>, TreeSet<Long>> eldest) {
            return size() > 10_000;
        }
    };
    /** Messages from sending sessions that the mailbox is storing now. */
    private final Set<Sender> storing = new HashSet<>();

    MessageDelivery(UserEntity entity) {
        this.ctx = entity.ctx();
        this.jid = entity.jid();
        this.deps = entity.deps();
        this.sessions = entity.sessions();
        this.entity = entity;
    }

    /**
     * Who waits for this stanza to be settled; null when it is a copy sent again, which is then only acknowledged
     * (once settled) or left to the session or mailbox that still holds it.
     */
    Sender accept(UserEntity.Deliver c) {
        if (c.ackTo() == null) {
            return Sender.NONE;
        }
        Sender sender = new Sender(c.ackTo(), c.seq());
        TreeSet<Long> seen = accepted.computeIfAbsent(c.ackTo(), r -> new TreeSet<>());
        if (!seen.add(c.seq())) {
            // A copy sent again. Still on its way to a client: that client's session acknowledges it.
            // Settled (written, stored or bounced): the acknowledgement was lost; say it again.
            for (LiveSession ls : sessions.values()) {
                if (ls.inFlight(c.ackTo(), c.seq())) {
                    return null;
                }
            }
            if (storing.contains(sender)) {
                // On its way into the mailbox: acknowledged (or given back) when the mailbox answers.
                return null;
            }
            sender.ack();
            return null;
        }
        if (seen.size() > ACCEPTED_WINDOW) {
            seen.pollFirst();
        }
        return sender;
    }

    /**
     * Delivers a message by RFC 6121 §8.5 and runs {@code ack} once its fate is settled: handed to a
     * session, bounced, dropped by the rules, or stored by the mailbox.
     */
    void deliver(Message m, Sender ack) {
        List<LiveSession> targets = Delivery.recipients(m, sessions);
        if (!targets.isEmpty()) {
            // The receiving sessions acknowledge to the sender once they wrote it.
            for (LiveSession t : targets) {
                t.deliverTracked(m, ack.ackTo(), ack.seq());
            }
            return;
        }
        if (m.type() == Message.Type.GROUPCHAT) {
            // RFC 6121 §8.5.3.2.1 and §8.5.2.1.1: groupchat to an absent resource or to the bare JID.
            entity.bounce(m, StanzaError.Condition.SERVICE_UNAVAILABLE);
            ack.ack();
            return;
        }
        if (m.type() == Message.Type.ERROR || m.type() == Message.Type.HEADLINE || !Offline.storable(m)) {
            // Headlines to an absent resource or no available one, errors anywhere: not delivered elsewhere.
            ack.ack();
            return;
        }
        // RFC 6121 §8.5.2.2.1 and XEP-0160: no available resource; chat and normal messages wait.
        String copyKey = null;
        if (ack.ackTo() != null) {
            storing.add(ack);
            // An ask that times out is forgotten and its sender sends the message again: the mailbox may have
            // stored the first, and knows the copy by this key.
            copyKey = ActorRefResolver.get(ctx.getSystem()).toSerializationFormat(ack.ackTo()) + "#" + ack.seq();
        }
        String key = copyKey;
        ctx.ask(MailboxEntity.StoreReply.class, mailbox(), deps.settings().storeTimeout(),
            replyTo -> new MailboxEntity.Store(m, replyTo, key), (r, f) -> new StoreResult(m, r, f, ack));
    }

    /** A message the mailbox could not take goes back to its sender: never silently lost. */
    void stored(StoreResult r) {
        storing.remove(r.ack());
        if (r.failure() != null && r.ack().ackTo() != null) {
            // The mailbox did not answer (its node is failing over): the sending session still holds the
            // message and sends it again; this copy is forgotten so that the next one is taken afresh.
            TreeSet<Long> seen = accepted.get(r.ack().ackTo());
            if (seen != null) {
                seen.remove(r.ack().seq());
            }
            return;
        }
        r.ack().ack();
        if (r.reply() instanceof MailboxEntity.StoreReply.Stored) {
            // A resource may have become available while the mailbox was storing (a client that
            // reconnected at once): it collects now rather than at its next login.
            Delivery.messageToBare(Message.Type.CHAT, sessions.values()).stream().findFirst()
                .ifPresent(this::availableForOffline);
            return;
        }
        StanzaError.Condition c = r.failure() != null ? StanzaError.Condition.SERVICE_UNAVAILABLE
            : StanzaError.Condition.RESOURCE_CONSTRAINT;
        entity.bounce(r.message(), c);
    }

    /** What a session never said it wrote goes where it would go now: another resource, or the mailbox. */
    void redeliver(LiveSession ls) {
        for (LiveSession.Tracked t : ls.unacked) {
            deliver(t.message(), new Sender(t.ackTo(), t.ackSeq()));
        }
        ls.unacked.clear();
    }

    /** A resource sent initial presence with a non-negative priority: it gets what waited (XEP-0160). */
    void availableForOffline(LiveSession ls) {
        mailbox().tell(new MailboxEntity.DeliverTo(ls.jid, ls.ref));
    }

    private RecipientRef<MailboxEntity.Command> mailbox() {
        return deps.mailboxes().apply(jid.toString());
    }
}
