package chorus.actors.pubsub;

import chorus.actors.feature.Xml;
import chorus.actors.feature.pep.PepLimits;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PubSubEntityTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final String SERVICE = "pubsub.shakespeare.lit";
    static final String HAMLET = "hamlet@shakespeare.lit/elsinore";
    static final String HORATIO = "horatio@shakespeare.lit/castle";

    final List<Stanza> out = new CopyOnWriteArrayList<>();
    final PubSubSettings settings = new PubSubSettings(true, "pubsub", PepLimits.DEFAULT, 100, 10, 10);
    final EventSourcedBehaviorTestKit<PubSubEntity.Command, PubSubEvent, PubSubEntity.State> entity =
        EventSourcedBehaviorTestKit.create(testKit.system(),
            PubSubEntity.create(SERVICE, new PubSubEntity.Deps(settings, "shakespeare.lit", out::add)));

    @BeforeEach
    void clear() {
        entity.clear();
        out.clear();
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    EventSourcedBehaviorTestKit.CommandResult<PubSubEntity.Command, PubSubEvent, PubSubEntity.State> send(String xml) {
        out.clear();
        return entity.runCommand(new PubSubEntity.Deliver(Stanza.fromElement(Xml.parse(xml))));
    }

    @Test
    void nodesItemsAndSubscriptionsSurviveARestartAndTheReplyComesBeforeTheNotification() {
        send("<iq from='" + HAMLET + "' to='" + SERVICE + "' type='set' id='1'><pubsub xmlns='"
            + PubSubLogic.NS + "'><create node='news'/></pubsub></iq>");
        send("<iq from='" + HORATIO + "' to='" + SERVICE + "' type='set' id='2'><pubsub xmlns='"
            + PubSubLogic.NS + "'><subscribe node='news' jid='" + HORATIO + "'/></pubsub></iq>");
        var r = send("<iq from='" + HAMLET + "' to='" + SERVICE + "' type='set' id='3'><pubsub xmlns='" + PubSubLogic.NS
            + "'><publish node='news'><item id='i1'><entry xmlns='http://www.w3.org/2005/Atom'>hi</entry></item>"
            + "</publish></pubsub></iq>");
        assertInstanceOf(PubSubEvent.Published.class, r.event());
        assertEquals(2, out.size());
        assertEquals(Iq.Type.RESULT, ((Iq) out.get(0)).type());
        assertInstanceOf(Message.class, out.get(1));
        assertEquals(HORATIO, out.get(1).to().toString());

        PubSubEntity.State after = entity.restart().state();
        ServiceNode news = after.nodes().get("news");
        assertEquals("i1", news.items().get(0).id());
        assertTrue(news.subscribers().contains(HORATIO));
    }

    @Test
    void theServiceAnswersDiscoAsAPubsubServiceAndRefusesChat() {
        var r = send("<iq from='" + HAMLET + "' to='" + SERVICE + "' type='get' id='d'><query xmlns="
            + "'http://jabber.org/protocol/disco#info'/></iq>");
        assertTrue(r.hasNoEvents());
        var identity = ((Iq) out.get(0)).payload().orElseThrow()
            .child("identity", "http://jabber.org/protocol/disco#info").orElseThrow();
        assertEquals("pubsub", identity.attr("category"));
        assertEquals("service", identity.attr("type"));
        send("<message from='" + HAMLET + "' to='" + SERVICE + "'><body>hi</body></message>");
        assertTrue(out.get(0).isError());
    }
}
