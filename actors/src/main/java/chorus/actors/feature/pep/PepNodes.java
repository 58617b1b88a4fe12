package chorus.actors.feature.pep;

import chorus.actors.feature.AccountSlice;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.SliceKey;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The account's PEP nodes (XEP-0163) by node id, in the order they were created (disco#items lists them so). */
public record PepNodes(Map<String, PepNode> nodes) implements AccountSlice {
    public static final SliceKey<PepNodes> KEY = SliceKey.of("pep", PepNodes.class, new PepNodes(Map.of()));

    public PepNodes {
        nodes = nodes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
    }

    /**
     * The nodes one may learn of (XEP-0060 §5.2): all of them to the owner; to others, not those kept to the owner
     * (access model whitelist).
     */
    public Set<String> visibleTo(IqContext.Relation relation) {
        Set<String> out = new LinkedHashSet<>();
        nodes.forEach((id, n) -> {
            if (relation == IqContext.Relation.SELF || !n.config().access().equals(PepConfig.WHITELIST)) {
                out.add(id);
            }
        });
        return out;
    }

    /** The stored size of all items of all nodes, as {@link PepLimits#maxTotalSize()} counts it. */
    public long weight() {
        long w = 0;
        for (PepNode n : nodes.values()) {
            w += n.weight();
        }
        return w;
    }

    @Override
    public String toString() {
        return "PepNodes[" + nodes.size() + "]";
    }
}
