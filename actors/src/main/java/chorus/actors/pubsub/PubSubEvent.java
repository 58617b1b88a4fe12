package chorus.actors.pubsub;

import chorus.actors.ClusterMessage;
import chorus.actors.feature.pep.PepItem;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** What happened to the service's nodes; the service's entity keeps the result ({@link #applyTo}). */
public sealed interface PubSubEvent extends ClusterMessage {

    /** The node this event changes. */
    String node();

    /** The nodes after this event, given those before it (a node absent: deleted). */
    Map<String, ServiceNode> applyTo(Map<String, ServiceNode> nodes);

    private static Map<String, ServiceNode> change(Map<String, ServiceNode> nodes, String node,
                                                   UnaryOperator<ServiceNode> f) {
        Map<String, ServiceNode> m = new LinkedHashMap<>(nodes);
        m.computeIfPresent(node, (k, n) -> f.apply(n));
        return m;
    }

    record Created(String node, String owner, NodeConfig config) implements PubSubEvent {
        @Override
        public Map<String, ServiceNode> applyTo(Map<String, ServiceNode> nodes) {
            Map<String, ServiceNode> m = new LinkedHashMap<>(nodes);
            m.putIfAbsent(node, ServiceNode.created(owner, config));
            return m;
        }

        @Override
        public String toString() {
            return "Created[" + node + "]";
        }
    }

    record Configured(String node, NodeConfig config) implements PubSubEvent {
        @Override
        public Map<String, ServiceNode> applyTo(Map<String, ServiceNode> nodes) {
            return change(nodes, node, n -> n.configured(config));
        }
    }

    record Published(String node, PepItem item) implements PubSubEvent {
        @Override
        public Map<String, ServiceNode> applyTo(Map<String, ServiceNode> nodes) {
            return change(nodes, node, n -> n.with(item));
        }
    }

    record Retracted(String node, String itemId) implements PubSubEvent {
        @Override
        public Map<String, ServiceNode> applyTo(Map<String, ServiceNode> nodes) {
            return change(nodes, node, n -> n.without(itemId));
        }
    }

    record Purged(String node) implements PubSubEvent {
        @Override
        public Map<String, ServiceNode> applyTo(Map<String, ServiceNode> nodes) {
            return change(nodes, node, ServiceNode::purged);
        }
    }

    record Deleted(String node) implements PubSubEvent {
        @Override
        public Map<String, ServiceNode> applyTo(Map<String, ServiceNode> nodes) {
            return change(nodes, node, n -> null);
        }
    }

    /** {@code on}: subscribed (§6.1), or not any more (§6.2). */
    record Subscribed(String node, String jid, boolean on) implements PubSubEvent {
        @Override
        public Map<String, ServiceNode> applyTo(Map<String, ServiceNode> nodes) {
            return change(nodes, node, n -> n.subscribed(jid, on));
        }

        @Override
        public String toString() {
            return "Subscribed[" + node + ", " + on + "]";
        }
    }
}
