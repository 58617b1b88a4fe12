package chorus.node.session;

import chorus.actors.router.Router;
import chorus.actors.session.SessionInput;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import org.apache.pekko.actor.typed.ActorRef;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * No message a client sends to an account of this server, or an account's entity hands to this
 * session, is silently lost when a node dies in between:
 *
 * <ul>
 *   <li>Outbound, a message to a local account (the router says which) waits here until that account's entity
 *       accepted it (delivered, stored offline, or bounced); so does an IQ, request or answer, to another local
 *       account or resource, until that account's entity took it. Unaccepted, it is sent again (the entity ignores
 *       a copy it already took); after {@link #GIVE_UP} the client gets it back as an error (an IQ request; an
 *       answer is dropped).</li>
 *   <li>Inbound, the session tells the entity up to which tracked message it wrote to the socket; the
 *       entity delivers elsewhere (or stores) what a session that went away never acknowledged.</li>
 * </ul>
 * Not thread-safe except {@link #written}, which the channel's write listeners call.
 */
final class Reliability {
    static final Duration RESEND_AFTER = Duration.ofSeconds(5);
    /** While the node stops, a message waits less before it is sent again: the session has little time. */
    static final Duration RESEND_WHILE_STOPPING = Duration.ofSeconds(1);
    static final Duration GIVE_UP = Duration.ofSeconds(45);

    private record PendingOut(Stanza message, Instant first, Instant lastSent) {
    }

    /** Epoch and sequence number of the last tracked message written to the socket. */
    private record Written(long epoch, long seq) {
    }

    /** Hands a message (or an IQ) on towards its recipient. */
    interface Courier {
        /**
         * Hands the stanza on ({@code first}: for the first time, else again); true when its recipient's entity
         * will acknowledge {@code seq} to {@code self}, so that it is kept until then. {@code direct}: nothing else
         * sent to the same account waits for acceptance, so it may take a shorter way than sharding (in order).
         */
        boolean carry(Stanza m, long seq, ActorRef<SessionInput> self, boolean first, boolean direct);

        /**
         * Through the router, which decides where the stanza goes and whether it is acknowledged; {@code copies}:
         * whether the account wants copies of sent messages now.
         */
        static Courier through(Router router, java.util.function.BooleanSupplier copies) {
            return (m, seq, self, first, direct) -> {
                if (first && m instanceof Iq iq) {
                    return router.fromClient(iq, self.narrow(), seq, direct);
                }
                if (first) {
                    return router.fromClient((Message) m, self.narrow(), seq, copies.getAsBoolean(), direct);
                }
                router.again(m, self.narrow(), seq);
                return true;
            };
        }
    }

    private final Courier courier;
    private final Clock clock;
    /** How long each accepted message took, from the client's session to its recipient's side taking it. */
    private final java.util.function.Consumer<Duration> accepted;
    private final Map<Long, PendingOut> pending = new LinkedHashMap<>();
    /** How many of the pending stanzas go to each account (bare JID; null: the sender's own, no 'to'). */
    private final Map<Jid, Integer> pendingTo = new HashMap<>();
    private long nextSeq = 1;
    private final AtomicReference<Written> written = new AtomicReference<>(new Written(0, 0));
    private Written acked = new Written(0, 0);
    /** The last tracked message handed to the transport (or, with XEP-0198, sent for the client to acknowledge). */
    private Written submitted = new Written(0, 0);

    Reliability(Courier courier, Clock clock) {
        this(courier, clock, d -> { });
    }

    /**
     * {@code accepted} hears, for each message its recipient's entity accepted, how long that took since the session
     * took it from the client: its way through the router to the recipient's side (written to the recipient's
     * connection, stored offline or bounced) and the answer's way back. One clock measures both ends.
     */
    Reliability(Courier courier, Clock clock, java.util.function.Consumer<Duration> accepted) {
        this.courier = courier;
        this.clock = clock;
        this.accepted = accepted;
    }

    // ---- outbound: client -> local account ----

    /**
     * Sends a message or IQ the client sent; one that its recipient's entity acknowledges is kept until it did.
     */
    void send(Stanza m, ActorRef<SessionInput> self) {
        long seq = nextSeq++;
        Instant now = clock.instant();
        pending.put(seq, new PendingOut(m, now, now));
        Jid account = accountOf(m);
        boolean direct = !pendingTo.containsKey(account);
        if (courier.carry(m, seq, self, true, direct)) {
            pendingTo.merge(account, 1, Integer::sum);
        } else {
            pending.remove(seq);
        }
    }

    private static Jid accountOf(Stanza m) {
        return m.to() == null ? null : m.to().bare();
    }

    /** A kept stanza is settled (accepted, or given up). */
    private void settled(Stanza m) {
        pendingTo.computeIfPresent(accountOf(m), (k, n) -> n == 1 ? null : n - 1);
    }

    void accepted(long seq) {
        PendingOut p = pending.remove(seq);
        if (p != null) {
            settled(p.message());
            accepted.accept(Duration.between(p.first(), clock.instant()));
        }
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /**
     * Sends again what waited too long for acceptance, and returns the error replies for what waited
     * longer than {@link #GIVE_UP}: those are given up, and the client learns it.
     */
    List<Stanza> tick(ActorRef<SessionInput> self) {
        return tick(self, RESEND_AFTER);
    }

    /** As {@link #tick(ActorRef)}, sending again what waited longer than {@code resendAfter}. */
    List<Stanza> tick(ActorRef<SessionInput> self, Duration resendAfter) {
        Instant now = clock.instant();
        List<Stanza> failed = new ArrayList<>();
        Iterator<Map.Entry<Long, PendingOut>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, PendingOut> e = it.next();
            PendingOut p = e.getValue();
            if (Duration.between(p.first(), now).compareTo(GIVE_UP) >= 0) {
                it.remove();
                settled(p.message());
                unavailable(p.message(), "the recipient's server part did not answer; it was not delivered", failed);
            } else if (Duration.between(p.lastSent(), now).compareTo(resendAfter) >= 0) {
                e.setValue(new PendingOut(p.message(), p.first(), now));
                courier.carry(p.message(), e.getKey(), self, false, false);
            }
        }
        return failed;
    }

    /** What was never accepted, as errors for the client: the stream ends and cannot wait any longer. */
    List<Stanza> abandon() {
        List<Stanza> failed = new ArrayList<>();
        for (PendingOut p : pending.values()) {
            unavailable(p.message(), "the server is shutting down; it may not have been delivered", failed);
        }
        pending.clear();
        pendingTo.clear();
        return failed;
    }

    /**
     * RFC 6120 §8.3.3.15: the recipient is temporarily unreachable; the sender may retry. An IQ answer gets none (an
     * answer is not answered, §8.2.3).
     */
    private static void unavailable(Stanza m, String text, List<Stanza> out) {
        if (m instanceof Iq iq && !iq.isRequest()) {
            return;
        }
        Stanza reply = m.errorReply(new StanzaError(StanzaError.Condition.RECIPIENT_UNAVAILABLE, StanzaError.Type.WAIT,
            text));
        if (reply != null) {
            out.add(reply);
        }
    }

    // ---- inbound: account's entity -> this client ----

    /** A tracked message went out to the socket (called on the channel's event loop). */
    void written(long epoch, long seq) {
        written.getAndUpdate(w -> w.epoch() != epoch || seq > w.seq() ? new Written(epoch, seq) : w);
    }

    /** The acknowledgement to send the entity now, or null when nothing new was written. */
    UserEntity.SessionAck ackDue(String resource) {
        Written w = written.get();
        if (w.seq() == 0 || w.equals(acked)) {
            return null;
        }
        acked = w;
        return new UserEntity.SessionAck(resource, w.epoch(), w.seq());
    }

    /** A tracked message was handed to the transport: it counts as waiting until {@link #written} says so. */
    void submitted(long epoch, long seq) {
        submitted = new Written(epoch, seq);
    }

    /**
     * Nothing waits: no message of the client's waits for acceptance, and every tracked message handed to the
     * transport was written and its writing told to the entity. A settled session needs no tick.
     */
    boolean settled() {
        Written w = written.get();
        return pending.isEmpty() && w.equals(acked) && (submitted.seq() == 0 || w.equals(submitted));
    }

    /** The last written message, for the goodbye to the entity. */
    long[] lastWritten() {
        Written w = written.get();
        return new long[] {w.epoch(), w.seq()};
    }
}
