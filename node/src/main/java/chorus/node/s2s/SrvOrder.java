package chorus.node.s2s;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * RFC 2782's order for SRV records: ascending priority; within one priority, a weighted random
 * selection (a record with weight 0 has a small chance, RFC 2782 "Usage rules"). XEP-0368 §3: the
 * {@code _xmpps-server} and {@code _xmpp-server} records are ordered together, as one set.
 */
final class SrvOrder {
    private SrvOrder() {}

    static List<S2sEndpoint> order(List<S2sEndpoint> records, RandomGenerator random) {
        Map<Integer, List<S2sEndpoint>> byPriority = new TreeMap<>();
        for (S2sEndpoint r : records) {
            byPriority.computeIfAbsent(r.priority(), p -> new ArrayList<>()).add(r);
        }
        List<S2sEndpoint> ordered = new ArrayList<>(records.size());
        for (List<S2sEndpoint> group : byPriority.values()) {
            // RFC 2782: weight-0 records first in the list, so they are picked only when the draw lands on 0.
            List<S2sEndpoint> left = new ArrayList<>(group);
            left.sort(Comparator.comparingInt(S2sEndpoint::weight));
            while (!left.isEmpty()) {
                int total = left.stream().mapToInt(S2sEndpoint::weight).sum();
                int draw = total == 0 ? 0 : random.nextInt(total + 1);
                int running = 0;
                for (int i = 0; i < left.size(); i++) {
                    running += left.get(i).weight();
                    if (running >= draw) {
                        ordered.add(left.remove(i));
                        break;
                    }
                }
            }
        }
        return ordered;
    }
}
