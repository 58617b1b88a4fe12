package chorus.node.component;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stanza for a component's domain that no stream is known for yet waits for one (the receptionist is the local
 * one, a probe registered under the component's key stands in for its stream): delivered, in order, the moment one
 * is known; bounced after the wait, never before; past the bound bounced at once; with no wait, bounced at once.
 */
class ComponentDomainTest {
    /** A local actor system: no cluster port to collide with other test JVMs. */
    static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString(
        "pekko.actor.provider = local").withFallback(ConfigFactory.load()));
    static final AtomicInteger DOMAINS = new AtomicInteger();

    final String domain = "gateway" + DOMAINS.incrementAndGet() + ".example.org";
    final TestProbe<Stanza> bounced = testKit.createTestProbe();

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    ComponentDomain start(Duration wait, int max) {
        ComponentDomain d = new ComponentDomain(domain, bounced.ref()::tell);
        d.watching(testKit.spawn(d.behavior(wait, max, Clock.systemUTC())));
        return d;
    }

    /** A component's stream connecting (on whichever node: the receptionist tells every node alike). */
    TestProbe<ComponentStream.Deliver> connect() {
        TestProbe<ComponentStream.Deliver> stream = testKit.createTestProbe();
        ActorRef<Receptionist.Registered> ack = testKit.<Receptionist.Registered>createTestProbe().ref();
        testKit.system().receptionist().tell(Receptionist.register(Components.key(domain), stream.ref(), ack));
        return stream;
    }

    Stanza message(String id) {
        return Stanza.fromElement(Element.build("message", Ns.CLIENT).attr("from", "alice@example.org/phone")
            .attr("to", "echo@" + domain).attr("id", id).attr("type", "chat").get());
    }

    List<String> ids(List<ComponentStream.Deliver> got) {
        return got.stream().map(d -> d.stanza().id()).toList();
    }

    @Test
    void stanzasSentBeforeTheComponentIsKnownReachItInOrderTheMomentItIs() {
        ComponentDomain d = start(Duration.ofSeconds(10), 10);
        d.deliver(message("1"));
        d.deliver(message("2"));
        TestProbe<ComponentStream.Deliver> stream = connect();
        d.deliver(message("3"));
        assertEquals(List.of("1", "2", "3"), ids(stream.receiveSeveralMessages(3, Duration.ofSeconds(5))));
        d.deliver(message("4"));
        assertEquals("4", stream.receiveMessage(Duration.ofSeconds(5)).stanza().id());
        bounced.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void aStanzaNoComponentTakesIsBouncedAfterTheWaitAndNotBefore() {
        ComponentDomain d = start(Duration.ofMillis(1500), 10);
        long sent = System.nanoTime();
        d.deliver(message("late"));
        bounced.expectNoMessage(Duration.ofMillis(1200));
        assertEquals("late", bounced.receiveMessage(Duration.ofSeconds(5)).id());
        long waited = (System.nanoTime() - sent) / 1_000_000;
        assertTrue(waited >= 1500, "bounced after " + waited + " ms, before the wait of 1500 ms");
        TestProbe<ComponentStream.Deliver> stream = connect();
        stream.expectNoMessage(Duration.ofMillis(300));
    }

    @Test
    void pastTheBoundAStanzaIsBouncedAtOnceAndThoseWithinItStillWait() {
        ComponentDomain d = start(Duration.ofSeconds(10), 2);
        d.deliver(message("1"));
        d.deliver(message("2"));
        d.deliver(message("3"));
        assertEquals("3", bounced.receiveMessage(Duration.ofSeconds(2)).id());
        TestProbe<ComponentStream.Deliver> stream = connect();
        assertEquals(List.of("1", "2"), ids(stream.receiveSeveralMessages(2, Duration.ofSeconds(5))));
        bounced.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void withNoWaitAStanzaIsBouncedAtOnceAsBefore() {
        ComponentDomain d = start(Duration.ZERO, 10);
        d.deliver(message("now"));
        assertEquals("now", bounced.receiveMessage(Duration.ofSeconds(2)).id());
    }
}
