package chorus.actors.user;

import chorus.actors.feature.roster.RosterXml;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Presence;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ContactBarrier}: the answer to a roster removal waits until the contact's entity has handled the
 * unsubscribe and unsubscribed the removal sent it, or {@link ContactBarrier#WAIT} at most; other answers go at once.
 */
class ContactBarrierTest extends UserEntityFixture {
    static final ActorTestKit testKit = newTestKit();
    /** The other accounts' entities, as one probe; and the accounts the entity asked for. */
    static final TestProbe<UserEntity.Command> contacts = testKit.createTestProbe();
    static final List<String> reached = new CopyOnWriteArrayList<>();

    ContactBarrierTest() {
        super(testKit, jid -> {
            reached.add(jid);
            return contacts.getRef();
        });
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @BeforeEach
    void nothingReachedYet() {
        reached.clear();
    }

    @Test
    void aRemovalIsAnsweredOnlyOnceTheContactsEntityHandledItsUnsubscribes() throws InterruptedException {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = subscribedBothWays(s, ROMEO);

        juliet.runCommand(new UserEntity.FromClient(remove(me, ROMEO, "rm1")));
        assertEquals(Iq.Type.SET, deliveredIq(s).type(), "the roster push comes first");
        assertEquals(List.of(Presence.Type.UNSUBSCRIBE, Presence.Type.UNSUBSCRIBED), routedTypes(2));
        ContactBarrier.Barrier barrier = contacts.expectMessageClass(ContactBarrier.Barrier.class);
        assertEquals(List.of(ROMEO.toString()), reached, "the barrier goes to the contact's entity");
        s.expectNoMessage(Duration.ofMillis(300));

        barrier.replyTo().tell(new ContactBarrier.Passed(barrier.token()));
        Iq result = deliveredIq(s);
        assertEquals("rm1", result.id());
        assertEquals(Iq.Type.RESULT, result.type());
        // The wait's own timer finds nothing left to send.
        s.expectNoMessage(ContactBarrier.WAIT.plusMillis(300));
    }

    @Test
    void aContactsEntityThatDoesNotAnswerDelaysTheResultByTheWaitAtMost() throws InterruptedException {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = subscribedBothWays(s, ROMEO);

        juliet.runCommand(new UserEntity.FromClient(remove(me, ROMEO, "rm2")));
        deliveredIq(s);
        contacts.expectMessageClass(ContactBarrier.Barrier.class);
        s.expectNoMessage(ContactBarrier.WAIT.minusMillis(500));
        Iq result = (Iq) s.expectMessageClass(SessionMessage.Deliver.class, Duration.ofSeconds(2)).stanza();
        assertEquals("rm2", result.id());
    }

    @Test
    void aContactOfAnotherDomainAndAnUpdateAreAnsweredAtOnce() throws InterruptedException {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        BareJid remote = new BareJid("benvolio", "verona.example");
        FullJid me = subscribedBothWays(s, remote);

        juliet.runCommand(new UserEntity.FromClient(remove(me, remote, "rm3")));
        deliveredIq(s);
        assertEquals("rm3", deliveredIq(s).id());

        Element item = Element.build("item", RosterXml.NS).attr("jid", ROMEO.toString()).attr("name", "Romeo").get();
        juliet.runCommand(new UserEntity.FromClient(
            Iq.of(me, null, "set1", Iq.Type.SET, Element.build("query", RosterXml.NS).child(item).get())));
        deliveredIq(s);
        assertEquals("set1", deliveredIq(s).id());
        contacts.expectNoMessage(Duration.ofMillis(200));
        assertTrue(reached.isEmpty());
    }

    @Test
    void theBarrierAndItsAnswerCrossTheClusterAsTheyAre() {
        var serialization = org.apache.pekko.serialization.SerializationExtension.get(testKit.system().classicSystem());
        for (Object m : List.of(new ContactBarrier.Barrier(contacts.getRef(), 7), new ContactBarrier.Passed(7))) {
            byte[] bytes = serialization.serialize(m).get();
            int id = serialization.findSerializerFor(m).identifier();
            String manifest = org.apache.pekko.serialization.Serializers.manifestFor(serialization.findSerializerFor(m), m);
            assertEquals(m, serialization.deserialize(bytes, id, manifest).get());
        }
    }

    private FullJid subscribedBothWays(TestProbe<SessionMessage> s, BareJid contact) {
        FullJid me = bind("balcony", s);
        juliet.runCommand(new UserEntity.Deliver(Presence.of(contact, JULIET, Presence.Type.SUBSCRIBE)));
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, contact, null, Presence.Type.SUBSCRIBED, null, List.of())));
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, contact, null, Presence.Type.SUBSCRIBE, null, List.of())));
        juliet.runCommand(new UserEntity.Deliver(Presence.of(contact, JULIET, Presence.Type.SUBSCRIBED)));
        // The resource asks for the roster, so it gets pushes (RFC 6121 §2.1.6).
        juliet.runCommand(new UserEntity.FromClient(Iq.of(me, null, "get", Iq.Type.GET,
            Element.build("query", RosterXml.NS).get())));
        drain(s);
        routed.clear();
        return me;
    }

    private static Iq remove(FullJid me, BareJid contact, String id) {
        Element item = Element.build("item", RosterXml.NS).attr("jid", contact.toString())
            .attr("subscription", "remove").get();
        return Iq.of(me, null, id, Iq.Type.SET, Element.build("query", RosterXml.NS).child(item).get());
    }

    private static Iq deliveredIq(TestProbe<SessionMessage> s) {
        return (Iq) s.expectMessageClass(SessionMessage.Deliver.class, Duration.ofSeconds(3)).stanza();
    }

    private List<Presence.Type> routedTypes(int n) throws InterruptedException {
        List<Presence.Type> types = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            types.add(((Presence) routed.poll(1, TimeUnit.SECONDS)).type());
        }
        return types;
    }
}
