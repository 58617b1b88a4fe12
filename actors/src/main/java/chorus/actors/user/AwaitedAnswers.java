package chorus.actors.user;

import chorus.actors.cluster.WireSize;
import chorus.actors.xmpp.Iq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Answers (IQ results and errors) for a resource of this account that is not bound, kept while the entity is new.
 * An entity that has just started may have moved from a node that died; its sessions bind to it again within seconds
 * (the node's EntityBinding). An answer that reaches the new incarnation before its session does was dropped, and
 * the client's request never got its answer. Now the entity keeps such answers for {@link #GRACE} after its start and
 * hands them over when the resource binds; after that, or beyond {@link #MAX}, an answer for an absent resource is
 * dropped as before (RFC 6121 §8.5.3.2.3 sends an IQ result nowhere), and so is one that would take the kept answers
 * past {@link #MAX_BYTES} (their bound as {@link WireSize} counts it): a peer that sends answers nobody asked for
 * makes an entity keep at most that, for at most the grace. Requests are not kept: they are refused at once, as
 * before, so the requester hears of it.
 */
final class AwaitedAnswers {
    static final Duration GRACE = Duration.ofSeconds(10);
    static final int MAX = 16;
    static final long MAX_BYTES = 64 * 1024;

    private record Kept(String resource, Iq answer) {
    }

    private final LongSupplier nanos;
    private final long until;
    private final List<Kept> kept = new ArrayList<>();
    private long bytes;

    AwaitedAnswers(LongSupplier nanos) {
        this.nanos = nanos;
        this.until = nanos.getAsLong() + GRACE.toNanos();
    }

    /** Keeps {@code answer} for {@code resource} if the entity is new and room is left; dropped otherwise. */
    void keep(String resource, Iq answer) {
        if (nanos.getAsLong() - until >= 0) {
            kept.clear();
            return;
        }
        long size = WireSize.of(answer);
        if (kept.size() < MAX && bytes + size <= MAX_BYTES) {
            kept.add(new Kept(resource, answer));
            bytes += size;
        }
    }

    /** The resource bound: the answers kept for it, oldest first (none once the grace is over). */
    List<Iq> bound(String resource) {
        if (kept.isEmpty()) {
            return List.of();
        }
        if (nanos.getAsLong() - until >= 0) {
            kept.clear();
            return List.of();
        }
        List<Iq> out = new ArrayList<>();
        for (Iterator<Kept> it = kept.iterator(); it.hasNext(); ) {
            Kept k = it.next();
            if (k.resource().equals(resource)) {
                out.add(k.answer());
                bytes -= WireSize.of(k.answer());
                it.remove();
            }
        }
        return out;
    }
}
