package chorus.node.session;

import chorus.actors.session.SessionInput;
import chorus.node.xmppstream.Transport;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import scala.concurrent.ExecutionContext;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The node's one watch over idle bound sessions without XEP-0198: no timer per session, one sweep every few seconds
 * over the sessions it watches, reading when each transport last received anything (whitespace keepalives too).
 * A session silent for the idle timeout is told {@link Quiet}: it pings its client (XEP-0199) and ends the stream when
 * nothing came by the time the answer was due. Sessions with XEP-0198 are not watched: stream management's
 * acknowledgements and resumption timeout take care of them.
 */
public final class IdleSweep implements AutoCloseable {

    /** Told to a watched session whose client has been silent for the idle timeout. */
    enum Quiet implements StreamSession.Local { INSTANCE }

    private final long idleNanos;
    private final LongSupplier nanoTime;
    private final Map<ActorRef<SessionInput>, Transport> watched = new ConcurrentHashMap<>();
    private volatile Cancellable task;

    private IdleSweep(Duration idle, LongSupplier nanoTime) {
        this.idleNanos = idle.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Watches nothing (the idle check is off). */
    public static IdleSweep off() {
        return new IdleSweep(Duration.ZERO, System::nanoTime);
    }

    /**
     * Sweeps on the actor system's scheduler every half of the shorter of the two timeouts (between 250 ms and 30 s),
     * so a silent client is pinged at most that much after the idle timeout and its stream ends at most that much
     * after the answer was due.
     */
    public static IdleSweep start(Duration idle, Duration answer, Scheduler scheduler, ExecutionContext ec) {
        IdleSweep sweep = new IdleSweep(idle, System::nanoTime);
        if (!idle.isZero()) {
            long half = Math.min(idle.toMillis(), answer.toMillis()) / 2;
            Duration every = Duration.ofMillis(Math.max(250, Math.min(30_000, half)));
            sweep.task = scheduler.scheduleAtFixedRate(every, every, sweep::sweep, ec);
        }
        return sweep;
    }

    /** Swept by hand, on this clock (tests). */
    static IdleSweep manual(Duration idle, LongSupplier nanoTime) {
        return new IdleSweep(idle, nanoTime);
    }

    boolean on() {
        return idleNanos > 0;
    }

    void watch(ActorRef<SessionInput> session, Transport transport) {
        if (on()) {
            watched.put(session, transport);
        }
    }

    void unwatch(ActorRef<SessionInput> session) {
        watched.remove(session);
    }

    /** Tells each watched session that has been silent for the idle timeout. */
    void sweep() {
        long now = nanoTime.getAsLong();
        watched.forEach((session, transport) -> {
            if (now - transport.lastReceived() >= idleNanos) {
                session.tell(Quiet.INSTANCE);
            }
        });
    }

    /** How many sessions it watches now. */
    public int watching() {
        return watched.size();
    }

    @Override
    public void close() {
        Cancellable t = task;
        if (t != null) {
            t.cancel();
        }
        watched.clear();
    }
}
