package chorus.actors.cluster;

import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.Text;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages between nodes stay within Artery's frame: {@link WireSize} bounds what the real serializer
 * writes, large messages are split into frames that each fit, and the receiver gets back an equal message.
 */
class FramesTest {
    static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load());
    static final long FRAME = testKit.system().settings().config()
        .getBytes("pekko.remote.artery.advanced.maximum-frame-size");
    static final BareJid ROMEO = new BareJid("romeo", "example.org");
    static final BareJid JULIET = new BareJid("juliet", "example.org");

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    static int serialized(Object o) {
        return SerializationExtension.get(testKit.system().classicSystem()).serialize(o).get().length;
    }

    /** Shapes a client can send: many tiny elements, long text in 1-, 2- and 3-byte characters, attributes. */
    static List<Stanza> shapes() {
        List<Stanza> out = new ArrayList<>();
        List<Node> tiny = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            tiny.add(Element.of("a", ""));
        }
        out.add(new Message(ROMEO.withResource("r"), JULIET, "1", Message.Type.CHAT, null,
            List.of(new Element("x", "urn:x", Map.of(), tiny))));
        for (String ch : new String[] {"a", "é", "語", "\uD83D\uDE00"}) {
            out.add(Message.chat(ROMEO.withResource("r"), JULIET, "2", ch.repeat(20_000)));
        }
        Element.Builder b = Element.build("query", "jabber:iq:roster");
        Random r = new Random(1);
        for (int i = 0; i < 300; i++) {
            b.child(Element.build("item", "jabber:iq:roster").attr("jid", "contact" + i + "@example.org")
                .attr("name", "N" + r.nextInt()).attr("subscription", "both")
                .child(Element.build("group", "jabber:iq:roster").text("Friends " + i).get()).get());
        }
        out.add(Iq.of(JULIET, JULIET.withResource("phone"), "roster", Iq.Type.RESULT, b.get()));
        out.add(new Presence(ROMEO.withResource("r"), null, null, Presence.Type.AVAILABLE, "en",
            List.of(new Element("status", "jabber:client", Map.of("{urn:a}b", "c".repeat(100)), List.of(new Text("x"))))));
        return out;
    }

    /** A message several frames long. */
    static Message big(int chars) {
        return Message.chat(ROMEO.withResource("r"), JULIET, "big", "語".repeat(chars));
    }

    @Test
    void theWireSizeBoundsWhatTheSerializerWrites() {
        TestProbe<SessionMessage> probe = testKit.createTestProbe();
        for (Stanza s : shapes()) {
            SessionMessage.Deliver d = new SessionMessage.Deliver(s, 3, 4, probe.getRef(), 5);
            assertTrue(WireSize.of(d) >= serialized(d), "bound " + WireSize.of(d) + " < " + serialized(d) + " for " + s);
        }
        List<Message> page = new ArrayList<>();
        for (Stanza s : shapes()) {
            if (s instanceof Message m) {
                page.add(m);
            }
        }
        SessionMessage.Offline offline = new SessionMessage.Offline(page, 7);
        assertTrue(WireSize.of(offline) >= serialized(offline));
    }

    @Test
    void aLargeMessageTravelsInFramesThatFitAndComesBackWhole() {
        Frames frames = Frames.get(testKit.system());
        TestProbe<SessionMessage> probe = testKit.createTestProbe();
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            messages.add(Message.chat(ROMEO.withResource("r"), JULIET, "m" + i, "語".repeat(10_000) + i));
        }
        SessionMessage.Deliver big = new SessionMessage.Deliver(shapes().get(0), 1, 2, probe.getRef(), 3);
        for (Object m : List.of(new SessionMessage.Offline(messages, 40), big)) {
            List<Frame> parts = frames.split(m);
            assertTrue(parts.size() > 1, "split into " + parts.size());
            FrameAssembly assembly = new FrameAssembly(testKit.system());
            Optional<Object> whole = Optional.empty();
            for (Frame f : parts) {
                SessionMessage.Framed wrapped = new SessionMessage.Framed(f);
                assertTrue(serialized(wrapped) <= FRAME, "a frame of " + serialized(wrapped) + " bytes");
                assertTrue(whole.isEmpty());
                whole = assembly.accept(f);
            }
            assertEquals(m, whole.orElseThrow());
            assertEquals(0, assembly.pending());
        }
        assertEquals(List.of(), frames.split(new SessionMessage.Accepted(1)), "a small message is not split");
    }

    @Test
    void toAReceiverOnAnotherNodeALargeMessageGoesInFramesAndASmallOneWhole() {
        Frames remote = new Frames(testKit.system(), Frames.get(testKit.system()).budget(), to -> false);
        TestProbe<SessionMessage> probe = testKit.createTestProbe();
        SessionMessage.Deliver small = new SessionMessage.Deliver(Message.chat(ROMEO, JULIET, "s", "hi"));
        remote.tell(probe.getRef(), small, SessionMessage.Framed::new);
        assertEquals(small, probe.receiveMessage());
        SessionMessage.Deliver big = new SessionMessage.Deliver(big(300_000));
        remote.tell(probe.getRef(), big, SessionMessage.Framed::new);
        FrameAssembly assembly = new FrameAssembly(testKit.system());
        Optional<Object> whole = Optional.empty();
        int n = 0;
        while (whole.isEmpty()) {
            whole = assembly.accept(((SessionMessage.Framed) probe.receiveMessage()).frame());
            n++;
        }
        assertTrue(n > 1);
        assertEquals(big, whole.get());
    }

    /**
     * XEP-0198: the state a resumed stream takes over from the session that held it (up to max-unacked
     * stanzas, each as large as a client may send) goes from one session to the other in frames.
     */
    @Test
    void aResumedStreamsStateTravelsInFramesAndComesBackWhole() {
        List<SessionMessage.Unacked> unacked = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            unacked.add(new SessionMessage.Unacked(big(80_000), 7, i + 1));
        }
        SessionMessage.Resumption r = new SessionMessage.Resumption(false, "sm-1", 12, 52, unacked,
            new Presence(ROMEO.withResource("r"), null, null, Presence.Type.AVAILABLE, null, List.of()), true,
            List.of(JULIET), 300);
        List<Frame> parts = Frames.get(testKit.system()).split(r);
        assertTrue(parts.size() > 10, parts.size() + " frames");
        FrameAssembly assembly = new FrameAssembly(testKit.system());
        Optional<Object> whole = Optional.empty();
        for (Frame f : parts) {
            assertTrue(serialized(new SessionMessage.Framed(f)) <= FRAME);
            whole = assembly.accept(f);
        }
        assertEquals(r, whole.orElseThrow());
    }

    @Test
    void framesOutOfOrderOrOfALostStartAreDropped() {
        Frames frames = Frames.get(testKit.system());
        List<Frame> parts = frames.split(new SessionMessage.Deliver(big(300_000)));
        assertTrue(parts.size() > 2);
        FrameAssembly assembly = new FrameAssembly(testKit.system());
        assertTrue(assembly.accept(parts.get(1)).isEmpty());
        assertEquals(0, assembly.pending());
        assembly.accept(parts.get(0));
        assertTrue(assembly.accept(parts.get(parts.size() - 1)).isEmpty());
        assertEquals(0, assembly.pending());
    }

    @Test
    void anAssemblyHoldsAFewTransfersAtATime() {
        Frames frames = Frames.get(testKit.system());
        FrameAssembly assembly = new FrameAssembly(testKit.system());
        for (int i = 0; i < FrameAssembly.MAX_TRANSFERS + 5; i++) {
            assembly.accept(frames.split(new SessionMessage.Deliver(big(100_000))).get(0));
        }
        assertEquals(FrameAssembly.MAX_TRANSFERS, assembly.pending());
    }
}
