package chorus.actors.cluster;

import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A namespace many elements share is written once in a cluster message, and read back as one string. */
class CborStringRefsTest {
    static final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "cbor-refs",
        CborStringRefs.setup(ConfigFactory.load()));

    @AfterAll
    static void stop() {
        system.terminate();
    }

    @Test
    void thousandsOfChildrenInOneLongNamespaceSerializeToAboutTheirXmlSize() {
        String ns = "urn:" + "n".repeat(1020); // the longest namespace name the parser takes
        List<Node> children = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            children.add(new Element("c", ns, Map.of(), List.of()));
        }
        Message m = new Message(new BareJid("romeo", "example.org").withResource("r"), new BareJid("juliet", "example.org"),
            "1", Message.Type.CHAT, null, List.of(new Element("x", ns, Map.of(), children)));
        SessionMessage.Deliver deliver = new SessionMessage.Deliver(m, 1, 2, null, 0);
        Serialization s = SerializationExtension.get(system.classicSystem());
        byte[] bytes = s.serialize(deliver).get();
        // 5000 copies of the namespace would be 5 MB; written once, it is 1 KB and about 26 bytes per child.
        assertTrue(bytes.length < 5000 * 40, bytes.length + " bytes");
        Object back = s.deserialize(bytes, s.findSerializerFor(deliver).identifier(),
            Serializers.manifestFor(s.findSerializerFor(deliver), deliver)).get();
        assertEquals(deliver, back);
        Set<String> instances = Collections.newSetFromMap(new IdentityHashMap<>());
        Element x = (Element) ((SessionMessage.Deliver) back).stanza().children().get(0);
        for (Node c : x.children()) {
            instances.add(((Element) c).ns());
        }
        assertTrue(instances.size() <= 2, instances.size() + " copies of the namespace after reading");
    }
}
