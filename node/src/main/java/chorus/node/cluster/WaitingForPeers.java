package chorus.node.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Requests for something this node learns of a moment late, through the cluster's receptionist, named by a tag: a
 * BOSH request for a session of a node that has just joined (the tag is the node's, {@code chorus.http.bosh.peer-wait}),
 * a stanza for a component's domain whose component has just connected to another node (the tag is the domain,
 * {@code chorus.component.registration-wait}). Rather than answer as if it did not exist, the request waits here
 * until its tag becomes known ({@link #known}) or its time is up ({@link #expired}): at most {@code maxWait}, at most
 * {@code maxWaiting} requests at once (past the bound it is answered at once, after the wait no later than then).
 * Plain Java, used by one actor only; time is given by the caller.
 *
 * @param <R> what is kept of a request
 */
public final class WaitingForPeers<R> {
    /** One request, the tag it waits for, and when it stops waiting. */
    public record Waiting<R>(String tag, R request, long deadlineMillis) {
    }

    private final Duration maxWait;
    private final int maxWaiting;
    /** Oldest first: deadlines only grow, as each is the arrival plus the same wait. */
    private final ArrayDeque<Waiting<R>> waiting = new ArrayDeque<>();

    public WaitingForPeers(Duration maxWait, int maxWaiting) {
        if (maxWait.isNegative() || maxWaiting < 1) {
            throw new IllegalArgumentException("a wait of at least 0 and at least one request");
        }
        this.maxWait = maxWait;
        this.maxWaiting = maxWaiting;
    }

    /** Keeps the request until its tag is known or the wait is over; false when it may not wait (answer it now). */
    public boolean hold(String tag, R request, long nowMillis) {
        if (maxWait.isZero() || waiting.size() >= maxWaiting) {
            return false;
        }
        waiting.addLast(new Waiting<>(tag, request, nowMillis + maxWait.toMillis()));
        return true;
    }

    /** The requests whose tag is known now (the registry changed), in arrival order; they wait no more. */
    public List<Waiting<R>> known(Predicate<String> knownTag) {
        List<Waiting<R>> out = new ArrayList<>();
        for (Iterator<Waiting<R>> it = waiting.iterator(); it.hasNext(); ) {
            Waiting<R> w = it.next();
            if (knownTag.test(w.tag())) {
                it.remove();
                out.add(w);
            }
        }
        return out;
    }

    /** The requests whose wait is over at {@code nowMillis}; they wait no more. */
    public List<R> expired(long nowMillis) {
        List<R> out = new ArrayList<>();
        while (!waiting.isEmpty() && waiting.peekFirst().deadlineMillis() <= nowMillis) {
            out.add(waiting.pollFirst().request());
        }
        return out;
    }

    public boolean isEmpty() {
        return waiting.isEmpty();
    }

    public int size() {
        return waiting.size();
    }
}
