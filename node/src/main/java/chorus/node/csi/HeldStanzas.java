package chorus.node.csi;

import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * What waits for an inactive client, oldest first and bounded. A stanza held under the key of one that waits
 * already replaces it and takes its place at the end, so the queue stays in the order the stanzas that remain
 * arrived in.
 */
final class HeldStanzas {
    private record Held(Stanza stanza, int weight) {
    }

    private final int maxCount;
    private final long maxBytes;
    private final LinkedHashMap<Object, Held> held = new LinkedHashMap<>();
    private long bytes;
    private long unkeyed;
    private long replaced;

    HeldStanzas(int maxCount, long maxBytes) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    /** Holds the stanza; false when the queue is over a limit now (and should be written out). */
    boolean add(Stanza stanza, String key) {
        Object k = key != null ? key : Long.valueOf(unkeyed++);
        Held before = held.remove(k);
        if (before != null) {
            bytes -= before.weight();
            replaced++;
        }
        int weight = stanza.toElement(Ns.CLIENT).weight();
        held.put(k, new Held(stanza, weight));
        bytes += weight;
        return held.size() <= maxCount && bytes <= maxBytes;
    }

    /** Everything held, oldest first; the queue is empty afterwards. */
    List<Stanza> drain() {
        List<Stanza> out = new ArrayList<>(held.size());
        for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
            out.add(it.next().stanza());
            it.remove();
        }
        bytes = 0;
        return out;
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    int size() {
        return held.size();
    }

    long bytes() {
        return bytes;
    }

    /** How many held stanzas a newer one replaced (never written) so far. */
    long replaced() {
        return replaced;
    }
}
