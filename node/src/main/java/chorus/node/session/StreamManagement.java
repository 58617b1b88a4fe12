package chorus.node.session;

import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Stanza;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * XEP-0198 Stream Management of one stream: the count of stanzas handled from the client, the count
 * of stanzas sent to it, and those it has not acknowledged yet (bounded). Plain state, no I/O: the
 * session sends what this returns. Counters wrap at 2^32 (§4).
 */
final class StreamManagement {
    static final String NS = "urn:xmpp:sm:3";
    static final String STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    /** Ask the client for an acknowledgement once this many stanzas went out unrequested. */
    static final int REQUEST_EVERY = 5;
    /** ... or when unacknowledged stanzas waited this long without a request. */
    static final Duration REQUEST_AFTER = Duration.ofSeconds(5);
    /**
     * How long a queue over the limit is forgiven while an ack request waits for its answer: a burst (a peer's one read
     * of 64 KiB, a room's history) can outrun any client's acknowledgement by hundreds of stanzas.
     */
    static final Duration ACK_GRACE = Duration.ofSeconds(10);
    private static final long MOD = 1L << 32;

    private final String id;
    private final Duration resumeTimeout;
    private final int maxUnacked;
    private long handled;
    private long sent;
    private final ArrayDeque<SessionMessage.Unacked> unacked = new ArrayDeque<>();
    private int unrequested;
    private boolean requestOutstanding;
    private Instant lastRequest = Instant.EPOCH;

    /** What an {@code <a/>} from the client did. */
    record Ack(boolean tooHigh, long epoch, long seq) {
        static final Ack NOTHING = new Ack(false, 0, 0);
    }

    StreamManagement(String id, Duration resumeTimeout, int maxUnacked) {
        this.id = id;
        this.resumeTimeout = resumeTimeout;
        this.maxUnacked = maxUnacked;
    }

    /** The state a resumed stream takes over from the session that held it. */
    static StreamManagement resumed(SessionMessage.Resumption r, int maxUnacked) {
        StreamManagement sm = new StreamManagement(r.id(), Duration.ofSeconds(r.timeoutSeconds()), maxUnacked);
        sm.handled = r.handled();
        sm.sent = r.sent();
        sm.unacked.addAll(r.unacked());
        return sm;
    }

    /** The state to hand over to a stream that resumes this one. */
    SessionMessage.Resumption handOver(chorus.actors.xmpp.Presence presence, boolean rosterInterest,
                                       List<chorus.actors.xmpp.Jid> blocked) {
        return new SessionMessage.Resumption(false, id, handled, sent, new ArrayList<>(unacked), presence,
            rosterInterest, blocked, resumeTimeout.toSeconds());
    }

    /** Null when the stream cannot be resumed (the client did not ask). */
    String id() {
        return id;
    }

    boolean resumable() {
        return id != null;
    }

    Duration resumeTimeout() {
        return resumeTimeout;
    }

    long handled() {
        return handled;
    }

    /** The client's stanza was handled. */
    void received() {
        handled = (handled + 1) % MOD;
    }

    /**
     * A stanza went to the client (seq > 0: a message its account's entity tracks). Returns whether an
     * {@code <r/>} should follow it.
     */
    boolean sent(Stanza s, long epoch, long seq) {
        sent = (sent + 1) % MOD;
        unacked.addLast(new SessionMessage.Unacked(s, epoch, seq));
        unrequested++;
        return !requestOutstanding && unrequested >= REQUEST_EVERY;
    }

    /** An {@code <r/>} went out. */
    Element request(Instant now) {
        requestOutstanding = true;
        unrequested = 0;
        lastRequest = now;
        return Element.of("r", NS);
    }

    /** Whether stanzas wait unacknowledged long enough to ask for an acknowledgement. */
    boolean requestDue(Instant now) {
        return !unacked.isEmpty() && !requestOutstanding
            && Duration.between(lastRequest, now).compareTo(REQUEST_AFTER) >= 0;
    }

    /**
     * Whether the unacknowledged queue is over its bound for good: above twice the limit at once, or above the limit
     * while an ack request has gone unanswered for {@link #ACK_GRACE}. A client that acknowledges keeps its stream
     * through a burst; one that does not is ended within the grace, its queue never above twice the limit.
     */
    boolean overLimit(Instant now) {
        int n = unacked.size();
        if (n <= maxUnacked) {
            return false;
        }
        return n > 2L * maxUnacked
            || requestOutstanding && Duration.between(lastRequest, now).compareTo(ACK_GRACE) >= 0;
    }

    int unackedCount() {
        return unacked.size();
    }

    /**
     * The client handled {@code h} stanzas in all: they leave the queue. Returns the last tracked message
     * among them (seq 0: none), or tooHigh when the client claims more than was sent (§4).
     */
    Ack acked(long h) {
        requestOutstanding = false;
        long ackedSoFar = Math.floorMod(sent - unacked.size(), MOD);
        long newly = Math.floorMod(h - ackedSoFar, MOD);
        if (newly > unacked.size()) {
            return new Ack(true, 0, 0);
        }
        Ack last = Ack.NOTHING;
        for (long i = 0; i < newly; i++) {
            SessionMessage.Unacked u = unacked.pollFirst();
            if (u.seq() > 0) {
                last = new Ack(false, u.epoch(), u.seq());
            }
        }
        return last;
    }

    /** What the client has not acknowledged, oldest first: sent again after a resumption. */
    List<SessionMessage.Unacked> unacked() {
        return List.copyOf(unacked);
    }

    // ---- the protocol's elements ----

    static Element feature() {
        return Element.of("sm", NS);
    }

    Element enabled() {
        Element.Builder b = Element.build("enabled", NS);
        if (id != null) {
            b.attr("id", id).attr("resume", "true").attr("max", Long.toString(resumeTimeout.toSeconds()));
        }
        return b.get();
    }

    Element answer() {
        return Element.build("a", NS).attr("h", Long.toString(handled)).get();
    }

    Element resumed(String previd) {
        return Element.build("resumed", NS).attr("previd", previd).attr("h", Long.toString(handled)).get();
    }

    /** {@code <failed/>} with a stanza error condition, and the handled count when one is known (h &lt; 0: none). */
    static Element failed(String condition, long h) {
        Element.Builder b = Element.build("failed", NS);
        if (h >= 0) {
            b.attr("h", Long.toString(h));
        }
        return b.child(Element.of(condition, STANZAS)).get();
    }

    /** Parses an unsigned 32-bit count; -1 when it is not one. */
    static long count(String h) {
        try {
            long v = Long.parseLong(h == null ? "" : h.trim());
            return v >= 0 && v < MOD ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
