package chorus.actors.feature.pep;

import chorus.actors.feature.SliceEvent;
import chorus.actors.feature.SliceKey;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** What the owner did to its nodes; the account keeps the result as its {@link PepNodes} slice. */
public sealed interface PepEvent extends SliceEvent<PepNodes> {

    @Override
    default SliceKey<PepNodes> slice() {
        return PepNodes.KEY;
    }

    @Override
    default PepNodes applyTo(PepNodes before) {
        return new PepNodes(nodesAfter(before.nodes()));
    }

    /** A copy of the nodes with this one changed (null: removed); an absent node stays absent. */
    private static Map<String, PepNode> change(Map<String, PepNode> nodes, String node, UnaryOperator<PepNode> f) {
        Map<String, PepNode> m = new LinkedHashMap<>(nodes);
        m.computeIfPresent(node, (k, n) -> f.apply(n));
        return m;
    }

    /** The node this event changes. */
    String node();

    /** The nodes as they are after this event (a node absent: deleted), given the nodes before it. */
    Map<String, PepNode> nodesAfter(Map<String, PepNode> nodes);

    /** An item was published; {@code config} is the node's, used when the publish created it (auto-create). */
    record Published(String node, PepConfig config, PepItem item) implements PepEvent {
        @Override
        public Map<String, PepNode> nodesAfter(Map<String, PepNode> nodes) {
            Map<String, PepNode> m = new LinkedHashMap<>(nodes);
            m.put(node, m.getOrDefault(node, PepNode.empty(config)).with(item));
            return m;
        }
    }

    record Created(String node, PepConfig config) implements PepEvent {
        @Override
        public Map<String, PepNode> nodesAfter(Map<String, PepNode> nodes) {
            Map<String, PepNode> m = new LinkedHashMap<>(nodes);
            m.putIfAbsent(node, PepNode.empty(config));
            return m;
        }
    }

    /** The owner changed the node's configuration (XEP-0060 §8.2); a lower max_items drops the oldest items. */
    record Configured(String node, PepConfig config) implements PepEvent {
        @Override
        public Map<String, PepNode> nodesAfter(Map<String, PepNode> nodes) {
            return change(nodes, node, n -> n.configured(config));
        }
    }

    record Retracted(String node, String itemId) implements PepEvent {
        @Override
        public Map<String, PepNode> nodesAfter(Map<String, PepNode> nodes) {
            return change(nodes, node, n -> n.without(itemId));
        }
    }

    record Purged(String node) implements PepEvent {
        @Override
        public Map<String, PepNode> nodesAfter(Map<String, PepNode> nodes) {
            return change(nodes, node, PepNode::purged);
        }
    }

    record Deleted(String node) implements PepEvent {
        @Override
        public Map<String, PepNode> nodesAfter(Map<String, PepNode> nodes) {
            return change(nodes, node, n -> null);
        }
    }
}
