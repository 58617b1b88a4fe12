package chorus.node.s2s;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SrvOrderTest {
    static S2sEndpoint srv(String host, int priority, int weight) {
        return new S2sEndpoint(host, 5269, false, priority, weight);
    }

    @Test
    void lowerPriorityComesFirstWhateverTheWeights() {
        List<S2sEndpoint> ordered = SrvOrder.order(List.of(srv("c", 30, 100), srv("a", 10, 0), srv("b", 20, 50)), new Random(1));
        assertEquals(List.of("a", "b", "c"), ordered.stream().map(S2sEndpoint::host).toList());
    }

    @Test
    void directTlsAndStartTlsRecordsAreOrderedAsOneSet() {
        S2sEndpoint tls5 = new S2sEndpoint("tls", 5270, true, 5, 0);
        S2sEndpoint tls20 = new S2sEndpoint("tls", 5270, true, 20, 0);
        S2sEndpoint plain10 = new S2sEndpoint("plain", 5269, false, 10, 0);
        assertEquals(List.of(tls5, plain10), SrvOrder.order(List.of(plain10, tls5), new Random(1)));
        assertEquals(List.of(plain10, tls20), SrvOrder.order(List.of(tls20, plain10), new Random(1)));
    }

    @Test
    void withinOnePriorityRecordsAreChosenInProportionToTheirWeights() {
        Random random = new Random(42);
        Map<String, Integer> first = new HashMap<>();
        int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            String h = SrvOrder.order(List.of(srv("light", 1, 10), srv("heavy", 1, 30), srv("zero", 1, 0)), random).get(0).host();
            first.merge(h, 1, Integer::sum);
        }
        // RFC 2782: P(first) = weight / (sum + 1) for the drawn number in 0..sum; weight 0 only when 0 is drawn.
        assertEquals(draws * 30.0 / 41, first.get("heavy"), draws * 0.02);
        assertEquals(draws * 10.0 / 41, first.get("light"), draws * 0.02);
        assertEquals(draws * 1.0 / 41, first.getOrDefault("zero", 0), draws * 0.01);
    }

    @Test
    void everyRecordIsKeptOnce() {
        List<S2sEndpoint> in = List.of(srv("a", 1, 5), srv("b", 1, 5), srv("c", 2, 0), srv("d", 2, 0), srv("e", 1, 0));
        List<S2sEndpoint> out = SrvOrder.order(in, new Random(7));
        assertEquals(in.size(), out.size());
        assertTrue(out.containsAll(in));
    }
}
