package chorus.actors.xmpp;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElementWeightTest {
    static Element withChildren(String ns, int n) {
        List<Node> children = new ArrayList<>();
        Element child = Element.of("a", ns);
        for (int i = 0; i < n; i++) {
            children.add(child);
        }
        return new Element("x", ns, Map.of(), children);
    }

    @Test
    void everyElementsNamespaceCountsAsTheSerializedFormWritesItForEach() {
        // 20,000 <a/> in a 1,000-character namespace: 80 KB of XML, 20 MB once each element carries its namespace.
        assertTrue(withChildren("urn:" + "u".repeat(996), 20_000).weight() > 20_000_000);
    }

    @Test
    void theWeightOfAHugeTreeStopsAtIntegerMaxValue() {
        Element wide = withChildren("urn:" + "u".repeat(100_000), 30_000);
        assertEquals(Integer.MAX_VALUE, wide.weight());
    }
}
