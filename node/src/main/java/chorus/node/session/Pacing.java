package chorus.node.session;

import chorus.actors.session.SessionInput;
import chorus.node.stream.StreamEvent;
import org.apache.pekko.actor.typed.Behavior;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * Issue 14: an authenticated client that sends faster than its rate ({@link StanzaRate}) is slowed, as Prosody's
 * mod_limits and ejabberd's shapers do: what it sent past the rate waits here, in order, and is handled as the rate
 * allows; nothing is dropped and nobody else waits. A waiting event is not reported processed to the transport, so
 * its flow control stops reading from the client a few dozen events ahead and the rest waits in the client's own
 * TCP buffers (memory bounded by what the transport reads ahead, as for a session that falls behind). A timer runs
 * only while the client is behind. A client behind its rate without a break for {@link StanzaRate#abuseAfter()}
 * is abusive ({@link AbuseClock}, the peers' rule too): its stream ends with policy-violation.
 */
final class Pacing {

    /** The debt of a client over its rate is paid: what waits may be handled. */
    enum Due implements StreamSession.Local { INSTANCE }

    private final StreamSession session;
    private final StanzaRate rate;
    private final ArrayDeque<StreamSession.Inbound> waiting = new ArrayDeque<>();
    /** The client is in debt: what it sends now waits for {@link Due}. */
    private boolean inDebt;
    private final AbuseClock abuse;

    Pacing(StreamSession session, StanzaRate rate, LongSupplier nanoTime) {
        this.session = session;
        this.rate = rate;
        this.abuse = new AbuseClock(rate, nanoTime);
    }

    /**
     * True when {@code in} waits (behind what waits already, or the client is in debt): the session handles it
     * later, through {@link #onDue}. False: the session handles it now (its cost is counted here).
     */
    boolean holds(StreamSession.Inbound in) {
        if (inDebt || !waiting.isEmpty()) {
            waiting.add(in);
            return true;
        }
        count(in);
        return false;
    }

    /** Whether the client is abusive: behind its rate for too long. Checked after each element it sent. */
    boolean abusive() {
        return abuse.abusive();
    }

    /** The debt is paid: handles what waits, in order, until the client is in debt again. */
    Behavior<SessionInput> onDue() {
        inDebt = false;
        while (!inDebt && !waiting.isEmpty()) {
            StreamSession.Inbound next = waiting.poll();
            count(next);
            Behavior<SessionInput> b = session.handlePaced(next);
            if (b != session) {
                waiting.clear();
                return b;
            }
        }
        return session;
    }

    /** The connection is gone: what waits is handled now, at once (no more than the transport read ahead). */
    Behavior<SessionInput> flush() {
        while (!waiting.isEmpty()) {
            Behavior<SessionInput> b = session.handle(waiting.poll());
            if (b != session) {
                waiting.clear();
                return b;
            }
        }
        return session;
    }

    /** Counts what a client's element costs; in debt after it, a timer ends the wait. Other events cost nothing. */
    private void count(StreamSession.Inbound in) {
        if (!(in.event() instanceof StreamEvent.StanzaReceived s) || !session.paced()) {
            return;
        }
        Duration wait = rate.take(s.element().weight());
        if (wait.isZero()) {
            if (waiting.isEmpty()) {
                abuse.counted(wait); // caught up, if it stays so (AbuseClock); a late timer alone does not count
            }
            return;
        }
        inDebt = true;
        abuse.counted(wait);
        session.timers.startSingleTimer(Due.INSTANCE, Due.INSTANCE, wait);
    }

    @Override
    public String toString() {
        return "Pacing[" + waiting.size() + " waiting, " + rate + "]";
    }
}
