package chorus.node.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request for a session of a node not yet in this node's registry of forwarders (a map of tags standing in for the
 * receptionist's listing) waits until the registry has the node or its time is up; never longer, never more of them.
 */
class WaitingForPeersTest {
    final Map<String, String> registry = new HashMap<>();

    @Test
    void aRequestForANodeNotKnownYetIsDeliveredWhenTheRegistryLearnsThatNode() {
        WaitingForPeers<String> w = new WaitingForPeers<>(Duration.ofSeconds(5), 10);
        assertTrue(w.hold("aaaaaaaa", "first", 1_000));
        assertTrue(w.hold("bbbbbbbb", "other node", 1_100));
        assertTrue(w.hold("aaaaaaaa", "second", 1_200));
        assertEquals(List.of(), w.known(registry::containsKey), "the registry knows no one yet");
        assertEquals(List.of(), w.expired(2_000));

        registry.put("aaaaaaaa", "forwarder of node A");
        List<WaitingForPeers.Waiting<String>> ready = w.known(registry::containsKey);
        assertEquals(List.of("first", "second"), ready.stream().map(WaitingForPeers.Waiting::request).toList(),
            "in the order they came");
        assertEquals("aaaaaaaa", ready.get(0).tag());
        assertEquals(1, w.size(), "the other node's request still waits");
        assertEquals(List.of(), w.known(registry::containsKey), "each is delivered once");
    }

    @Test
    void aRequestWhoseNodeNeverBecomesKnownIsGivenUpWhenItsWaitIsOver() {
        WaitingForPeers<String> w = new WaitingForPeers<>(Duration.ofSeconds(5), 10);
        w.hold("cccccccc", "made-up sid", 10_000);
        w.hold("cccccccc", "later", 12_000);
        assertEquals(List.of(), w.expired(14_999));
        assertEquals(List.of("made-up sid"), w.expired(15_000));
        assertEquals(List.of("later"), w.expired(17_000));
        assertTrue(w.isEmpty());
        registry.put("cccccccc", "too late");
        assertEquals(List.of(), w.known(registry::containsKey), "an expired request was answered already");
    }

    @Test
    void pastItsBoundOrWithoutAWaitARequestIsNotHeld() {
        WaitingForPeers<String> w = new WaitingForPeers<>(Duration.ofSeconds(5), 2);
        assertTrue(w.hold("aaaaaaaa", "1", 0));
        assertTrue(w.hold("aaaaaaaa", "2", 0));
        assertFalse(w.hold("aaaaaaaa", "3", 0), "at most two wait");
        w.expired(5_000);
        assertTrue(w.hold("aaaaaaaa", "4", 5_000), "room again once they are answered");

        assertFalse(new WaitingForPeers<String>(Duration.ZERO, 10).hold("aaaaaaaa", "x", 0), "peer-wait 0s: no wait");
    }
}
