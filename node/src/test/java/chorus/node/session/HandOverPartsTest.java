package chorus.node.session;

import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A hand-over larger than the budget goes in parts (through the real serializer) and comes back equal. */
class HandOverPartsTest {
    static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load());
    static final BareJid ROMEO = new BareJid("romeo", "example.org");
    static final BareJid JULIET = new BareJid("juliet", "example.org");

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    static SessionMessage.Resumption withUnacked(int count, int bodySize) {
        List<SessionMessage.Unacked> unacked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            unacked.add(new SessionMessage.Unacked(Message.chat(ROMEO.withResource("r"), JULIET.withResource("phone"),
                "m" + i, "x".repeat(bodySize) + i), 1, i + 1));
        }
        return new SessionMessage.Resumption(false, "id-1", 7, count, unacked, null, true, List.<Jid>of(ROMEO), 300);
    }

    @Test
    void aLargeHandOverGoesInPartsWithinTheBudgetAndComesBackEqual() throws Exception {
        SessionMessage.Resumption big = withUnacked(20, 100_000);
        int budget = HandOverParts.budget(testKit.system());
        assertEquals(256 * 1024, budget, "a quarter of the 1 MiB frame");
        List<HandOverParts.Part> parts = HandOverParts.split(testKit.system(), big, budget);
        assertTrue(parts.size() >= 8, parts.size() + " parts");
        HandOverParts.Assembly assembly = new HandOverParts.Assembly(testKit.system());
        Optional<SessionMessage.Resumption> whole = Optional.empty();
        for (HandOverParts.Part p : parts) {
            // Each part, serialized as it crosses the cluster, stays within the budget's frame.
            byte[] wire = SerializationExtension.get(testKit.system().classicSystem()).serialize(p).get();
            assertTrue(wire.length < 1024 * 1024 / 2, wire.length + " bytes");
            assertTrue(whole.isEmpty());
            whole = assembly.accept(p);
        }
        assertEquals(big.unacked().size(), whole.orElseThrow().unacked().size());
        assertEquals(big.unacked().get(19).stanza(), whole.orElseThrow().unacked().get(19).stanza());
        assertEquals(big.handled(), whole.orElseThrow().handled());
        assertEquals(big.blocked(), whole.orElseThrow().blocked());
    }

    @Test
    void aSmallHandOverGoesWhole() {
        assertTrue(HandOverParts.split(testKit.system(), withUnacked(3, 100), 256 * 1024).isEmpty());
    }

    @Test
    void partsOutOfOrderAreDroppedAndAFreshTransferStartsOver() {
        List<HandOverParts.Part> parts = HandOverParts.split(testKit.system(), withUnacked(10, 10_000), 20_000);
        HandOverParts.Assembly assembly = new HandOverParts.Assembly(testKit.system());
        List<HandOverParts.Part> shuffled = new ArrayList<>(parts);
        Collections.swap(shuffled, 1, 2);
        for (HandOverParts.Part p : shuffled) {
            assertTrue(assembly.accept(p).isEmpty());
        }
        Optional<SessionMessage.Resumption> whole = Optional.empty();
        for (HandOverParts.Part p : parts) {
            whole = assembly.accept(p);
        }
        assertEquals(10, whole.orElseThrow().unacked().size());
    }
}
