package chorus.actors.s2s;

import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;
import org.apache.pekko.actor.typed.ActorRef;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a {@link RemoteDomain} entity holds for its peer: stanzas waiting for the stream, and stanzas written to it
 * and not yet acknowledged by the peer (numbered as the stream's sends), bounded together in count and size. A
 * message whose sender waits for its acknowledgement is known by (sender, sequence number): a copy the sender sends
 * again is taken once. Pure bookkeeping; the entity decides.
 */
final class OutQueue {
    /** How many finished acknowledged messages are remembered, to answer a late copy again instead of sending it. */
    static final int REMEMBERED = 4096;

    /**
     * A stanza for the peer; {@code ackTo} (a client's session) or {@code heldBy} (a node's {@link RemoteHandoff})
     * waits for it, or neither (fire and forget).
     */
    record Entry(Stanza stanza, ActorRef<SessionMessage> ackTo, ActorRef<RemoteHandoff.Command> heldBy, long seq,
                 Instant queuedAt, long size) {
        Key key() {
            return ackTo != null ? new Key(ackTo, seq) : heldBy != null ? new Key(heldBy, seq) : null;
        }

        @Override
        public String toString() {
            return "Entry[" + stanza + "]";
        }
    }

    record Key(ActorRef<?> waiter, long seq) {
    }

    /** A stanza written to the stream as its {@code n}-th send. */
    record Sent(long n, Entry entry, Instant at) {
    }

    enum Offer { ADDED, PENDING, DONE, FULL }

    private final int maxStanzas;
    private final long maxBytes;
    private final Deque<Entry> waiting = new ArrayDeque<>();
    private final Deque<Sent> inFlight = new ArrayDeque<>();
    private final Set<Key> pending = new HashSet<>();
    private final LinkedHashSet<Key> done = new LinkedHashSet<>();
    private long bytes;

    OutQueue(int maxStanzas, long maxBytes) {
        this.maxStanzas = maxStanzas;
        this.maxBytes = maxBytes;
    }

    /** The size a stanza counts for: its serialized size, estimated. */
    static long sizeOf(Stanza s) {
        return s.toElement(Ns.SERVER).weight();
    }

    /** Adds a stanza at the end, unless it is a copy of one held or finished, or there is no room. */
    Offer offer(Entry e) {
        Key k = e.key();
        if (k != null && pending.contains(k)) {
            return Offer.PENDING;
        }
        if (k != null && done.contains(k)) {
            return Offer.DONE;
        }
        if (waiting.size() + inFlight.size() >= maxStanzas || bytes + e.size() > maxBytes) {
            return Offer.FULL;
        }
        waiting.addLast(e);
        bytes += e.size();
        if (k != null) {
            pending.add(k);
        }
        return Offer.ADDED;
    }

    /** The next stanza to write, or null. */
    Entry next() {
        return waiting.pollFirst();
    }

    /** {@code e} went out as the stream's {@code n}-th send. */
    void sent(long n, Entry e, Instant at) {
        inFlight.addLast(new Sent(n, e, at));
    }

    /** The peer has every send up to {@code n}: those are finished and returned, oldest first. */
    List<Entry> ackUpTo(long n) {
        List<Entry> out = new ArrayList<>();
        while (!inFlight.isEmpty() && inFlight.peekFirst().n() <= n) {
            out.add(finish(inFlight.pollFirst().entry()));
        }
        return out;
    }

    /** Sends written before {@code at} and still not acknowledged: finished and returned, to bounce. */
    List<Entry> sentBefore(Instant at) {
        List<Entry> out = new ArrayList<>();
        while (!inFlight.isEmpty() && inFlight.peekFirst().at().isBefore(at)) {
            out.add(finish(inFlight.pollFirst().entry()));
        }
        return out;
    }

    /** The stream was lost: what it did not acknowledge waits again, first and in its order (at least once). */
    void requeueInFlight() {
        Iterator<Sent> back = inFlight.descendingIterator();
        while (back.hasNext()) {
            waiting.addFirst(back.next().entry());
        }
        inFlight.clear();
    }

    /** Waiting stanzas queued before {@code at}: removed and returned, to bounce. */
    List<Entry> waitingSince(Instant at) {
        List<Entry> out = new ArrayList<>();
        Iterator<Entry> it = waiting.iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.queuedAt().isBefore(at)) {
                it.remove();
                out.add(finish(e));
            }
        }
        return out;
    }

    /** Every waiting stanza, removed, to bounce. */
    List<Entry> drainWaiting() {
        List<Entry> out = new ArrayList<>();
        for (Entry e : waiting) {
            out.add(finish(e));
        }
        waiting.clear();
        return out;
    }

    /** Everything held, unacknowledged first then waiting, removed (the entity stops and hands them on). */
    List<Entry> drainAll() {
        requeueInFlight();
        List<Entry> out = new ArrayList<>(waiting);
        waiting.clear();
        pending.clear();
        bytes = 0;
        return out;
    }

    private Entry finish(Entry e) {
        bytes -= e.size();
        Key k = e.key();
        if (k != null && pending.remove(k)) {
            done.add(k);
            if (done.size() > REMEMBERED) {
                Iterator<Key> oldest = done.iterator();
                oldest.next();
                oldest.remove();
            }
        }
        return e;
    }

    boolean hasWaiting() {
        return !waiting.isEmpty();
    }

    boolean hasInFlight() {
        return !inFlight.isEmpty();
    }

    boolean isEmpty() {
        return waiting.isEmpty() && inFlight.isEmpty();
    }

    int waitingCount() {
        return waiting.size();
    }

    int inFlightCount() {
        return inFlight.size();
    }

    long bytes() {
        return bytes;
    }
}
