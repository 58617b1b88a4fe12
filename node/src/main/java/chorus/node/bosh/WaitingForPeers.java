package chorus.node.bosh;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Requests for sessions of nodes this node does not know yet. A node learns the other nodes' BOSH forwarders from
 * the receptionist a moment after it joined the cluster; a request that reaches it before then names a node (by its
 * sid's tag) that is not in its registry yet. Rather than answer item-not-found to a session that exists, the request
 * waits here until its node becomes known ({@link #known}) or its time is up ({@link #expired}): at most
 * {@code maxWait}, at most {@code maxWaiting} requests at once (a client making up sids gets item-not-found no later
 * than the wait, and past the bound at once). Plain Java, used by the forwarder actor only; time is given by the caller.
 *
 * @param <R> what is kept of a request
 */
final class WaitingForPeers<R> {
    /** One request, the tag of the node it is for, and when it stops waiting. */
    record Waiting<R>(String tag, R request, long deadlineMillis) {
    }

    private final Duration maxWait;
    private final int maxWaiting;
    /** Oldest first: deadlines only grow, as each is the arrival plus the same wait. */
    private final ArrayDeque<Waiting<R>> waiting = new ArrayDeque<>();

    WaitingForPeers(Duration maxWait, int maxWaiting) {
        if (maxWait.isNegative() || maxWaiting < 1) {
            throw new IllegalArgumentException("a wait of at least 0 and at least one request");
        }
        this.maxWait = maxWait;
        this.maxWaiting = maxWaiting;
    }

    /** Keeps the request until its node is known or the wait is over; false when it may not wait (answer it now). */
    boolean hold(String tag, R request, long nowMillis) {
        if (maxWait.isZero() || waiting.size() >= maxWaiting) {
            return false;
        }
        waiting.addLast(new Waiting<>(tag, request, nowMillis + maxWait.toMillis()));
        return true;
    }

    /** The requests whose node is known now (the registry changed), in arrival order; they wait no more. */
    List<Waiting<R>> known(Predicate<String> knownTag) {
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
    List<R> expired(long nowMillis) {
        List<R> out = new ArrayList<>();
        while (!waiting.isEmpty() && waiting.peekFirst().deadlineMillis() <= nowMillis) {
            out.add(waiting.pollFirst().request());
        }
        return out;
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    int size() {
        return waiting.size();
    }
}
