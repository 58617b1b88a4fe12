package chorus.actors.pubsub;

import chorus.actors.feature.pep.PepItem;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One node of the service: its owner (the account that created it, XEP-0060 §4.1), its configuration, the items it
 * keeps (oldest first) and its subscribers (the JIDs notified, §6.1).
 */
public record ServiceNode(String owner, NodeConfig config, List<PepItem> items, Set<String> subscribers) {
    public ServiceNode {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(config, "config");
        items = items == null ? List.of() : List.copyOf(items);
        subscribers = subscribers == null ? Set.of() : java.util.Collections.unmodifiableSet(new LinkedHashSet<>(subscribers));
    }

    static ServiceNode created(String owner, NodeConfig config) {
        return new ServiceNode(owner, config, List.of(), Set.of());
    }

    /** §7.1.2: an item with a known id replaces that one; the oldest go beyond max_items. */
    ServiceNode with(PepItem item) {
        List<PepItem> l = new ArrayList<>(items);
        l.removeIf(i -> i.id().equals(item.id()));
        l.add(item);
        return new ServiceNode(owner, config, trimmed(l, config.maxItems()), subscribers);
    }

    ServiceNode without(String itemId) {
        List<PepItem> l = new ArrayList<>(items);
        l.removeIf(i -> i.id().equals(itemId));
        return new ServiceNode(owner, config, l, subscribers);
    }

    /** §8.2: a lower max_items drops the oldest; a node that stops keeping items drops them all. */
    ServiceNode configured(NodeConfig c) {
        return new ServiceNode(owner, c, c.persist() ? trimmed(items, c.maxItems()) : List.of(), subscribers);
    }

    ServiceNode purged() {
        return new ServiceNode(owner, config, List.of(), subscribers);
    }

    ServiceNode subscribed(String jid, boolean on) {
        Set<String> s = new LinkedHashSet<>(subscribers);
        if (on) {
            s.add(jid);
        } else {
            s.remove(jid);
        }
        return new ServiceNode(owner, config, items, s);
    }

    Optional<PepItem> item(String id) {
        return items.stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /** The stored size of the node's items, in Element weight characters. */
    long weight() {
        long w = 0;
        for (PepItem i : items) {
            w += i.payload().weight() + i.id().length();
        }
        return w;
    }

    private static List<PepItem> trimmed(List<PepItem> l, int max) {
        return l.size() <= max ? l : new ArrayList<>(l.subList(l.size() - max, l.size()));
    }

    /** Who owns and subscribes is personal data, and payloads may be: counts only. */
    @Override
    public String toString() {
        return "ServiceNode[" + config.access() + ", " + items.size() + " items, " + subscribers.size() + " subscribers]";
    }
}
