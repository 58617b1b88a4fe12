package chorus.actors.feature.pep;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One node of the account: its configuration and the items it keeps, oldest first. */
public record PepNode(PepConfig config, List<PepItem> items) {
    public PepNode {
        Objects.requireNonNull(config, "config");
        items = items == null ? List.of() : List.copyOf(items);
    }

    static PepNode empty(PepConfig config) {
        return new PepNode(config, List.of());
    }

    /** XEP-0060 §7.1.2: an item with a known id replaces that one; the oldest go beyond max_items. */
    PepNode with(PepItem item) {
        List<PepItem> l = new ArrayList<>(items.size() + 1);
        for (PepItem i : items) {
            if (!i.id().equals(item.id())) {
                l.add(i);
            }
        }
        l.add(item);
        while (l.size() > config.maxItems()) {
            l.remove(0);
        }
        return new PepNode(config, l);
    }

    PepNode without(String itemId) {
        List<PepItem> l = new ArrayList<>(items);
        l.removeIf(i -> i.id().equals(itemId));
        return new PepNode(config, l);
    }

    PepNode configured(PepConfig c) {
        List<PepItem> l = new ArrayList<>(items);
        while (l.size() > c.maxItems()) {
            l.remove(0);
        }
        return new PepNode(c, l);
    }

    PepNode purged() {
        return new PepNode(config, List.of());
    }

    public Optional<PepItem> item(String id) {
        return items.stream().filter(i -> i.id().equals(id)).findFirst();
    }

    public Optional<PepItem> last() {
        return items.isEmpty() ? Optional.empty() : Optional.of(items.get(items.size() - 1));
    }

    /** The stored size of the node's payloads, in Element weight characters. */
    int weight() {
        int w = 0;
        for (PepItem i : items) {
            w += i.payload().weight() + i.id().length();
        }
        return w;
    }

    @Override
    public String toString() {
        return "PepNode[" + config.access() + ", " + items.size() + " items]";
    }
}
