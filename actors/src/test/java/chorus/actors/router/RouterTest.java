package chorus.actors.router;

import chorus.actors.feature.Features;
import chorus.actors.feature.ping.PingHandler;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where each stanza goes, decided in one place for every door. */
class RouterTest {
    static final ActorTestKit testKit = ActorTestKit.create();
    static final DomainJid DOMAIN = new DomainJid("example.org");
    static final FullJid JULIET = (FullJid) Jid.parse("juliet@example.org/balcony");
    static final BareJid ROMEO = new BareJid("romeo", "example.org");

    /** What reached the accounts, as "kind account stanza-id". */
    final List<String> accounts = new ArrayList<>();
    final List<Stanza> delivered = new ArrayList<>();
    final List<Stanza> rooms = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final Router router = new Router(DOMAIN, new Router.Accounts() {
        @Override
        public void deliver(BareJid account, Stanza stanza) {
            accounts.add("deliver " + account + " " + stanza.id());
            delivered.add(stanza);
        }

        @Override
        public void deliverAcknowledged(BareJid account, Stanza m, ActorRef<SessionMessage> ackTo, long seq) {
            accounts.add("acknowledged " + account + " " + m.id() + " " + seq);
        }

        @Override
        public void fromOwnSession(BareJid account, Stanza stanza) {
            accounts.add("own " + account + " " + stanza.id());
        }

        @Override
        public void sent(BareJid account, Message m) {
            accounts.add("sent " + account + " " + m.id());
        }
    }, null, new Features(List.of(new PingHandler())), m -> m.body() != null, Clock.systemUTC(),
        (st, c) -> failures.add(st.id() + " " + c));

    {
        router.addService("conference.example.org", rooms::add);
    }

    static Presence presence(Jid from, Jid to, Presence.Type type, String id) {
        return new Presence(from, to, id, type, null, List.of());
    }

    static Iq ping(Jid from, Jid to, String id) {
        return Iq.of(from, to, id, Iq.Type.GET, Element.of("ping", PingHandler.NS));
    }

    @Test
    void eachAddressHasOneDestination() {
        assertEquals(new Router.Destination.Account(ROMEO), router.destinationOf(Jid.parse("romeo@example.org/phone")));
        assertEquals(new Router.Destination.Server(), router.destinationOf(DOMAIN));
        assertEquals(new Router.Destination.Service("conference.example.org"),
            router.destinationOf(Jid.parse("garden@conference.example.org/juliet")));
        assertEquals(new Router.Destination.Remote("example.net"),
            router.destinationOf(Jid.parse("mercutio@example.net")));
    }

    @Test
    void aStanzaToAnAccountOrItsResourceGoesToThatAccountsEntity() {
        router.route(Message.chat(JULIET, Jid.parse("romeo@example.org/phone"), "m1", "hi"));
        router.route(presence(JULIET, ROMEO, Presence.Type.SUBSCRIBE, "p1"));
        assertEquals(List.of("deliver romeo@example.org m1", "deliver romeo@example.org p1"), accounts);
    }

    @Test
    void theServerAnswersItsIqsAndRefusesMessagesThroughTheSameWalk() {
        router.route(ping(JULIET, DOMAIN, "i1"));
        Iq answer = (Iq) delivered.get(0);
        assertEquals(Iq.Type.RESULT, answer.type());
        assertEquals(JULIET, answer.to());
        router.route(Message.chat(JULIET, DOMAIN, "m1", "hi"));
        assertEquals(StanzaError.Condition.SERVICE_UNAVAILABLE, StanzaError.conditionOf(delivered.get(1)));
        router.route(Presence.of(JULIET, DOMAIN, Presence.Type.AVAILABLE));
        assertEquals(2, delivered.size(), "presence to the server ends there");
    }

    @Test
    void requestsToTheDomainThatAServiceAnswersThereGoToItAndTheRestToTheServer() {
        List<Stanza> pubsub = new ArrayList<>();
        router.answerAtDomain(iq -> iq.payloadIs("http://jabber.org/protocol/pubsub", "pubsub"), pubsub::add);
        router.route(Iq.of(JULIET, DOMAIN, "ps", Iq.Type.SET, Element.of("pubsub", "http://jabber.org/protocol/pubsub")));
        router.route(ping(JULIET, DOMAIN, "i1"));
        assertEquals(List.of("ps"), pubsub.stream().map(Stanza::id).toList());
        assertEquals(Iq.Type.RESULT, ((Iq) delivered.get(0)).type(), "the server still answers its own IQs");
    }

    @Test
    void aServiceGetsWhatIsAddressedToItsDomainAndItsAddresses() {
        router.route(Presence.of(JULIET, Jid.parse("garden@conference.example.org/juliet"), Presence.Type.AVAILABLE));
        router.route(ping(JULIET, Jid.parse("conference.example.org"), "i1"));
        assertEquals(2, rooms.size());
        assertTrue(accounts.isEmpty());
    }

    @Test
    void anotherDomainIsRemoteServerNotFoundWhileThereIsNoFederation() {
        router.route(Message.chat(JULIET, Jid.parse("mercutio@example.net"), "m1", "hi"));
        assertEquals(StanzaError.Condition.REMOTE_SERVER_NOT_FOUND, StanzaError.conditionOf(delivered.get(0)));
        assertEquals(JULIET, delivered.get(0).to());
        assertEquals(List.of("m1 " + StanzaError.Condition.REMOTE_SERVER_NOT_FOUND), failures);
        router.route(delivered.get(0).withTo(Jid.parse("mercutio@example.net")));
        assertEquals(1, delivered.size(), "an error is never answered with an error");
    }

    @Test
    void aClientsPresenceAndIqsToItselfGoToItsOwnAccount() {
        router.fromClient(presence(JULIET, null, Presence.Type.AVAILABLE, "p1"));
        router.fromClient(presence(JULIET, ROMEO, Presence.Type.SUBSCRIBE, "p2"));
        router.fromClient(ping(JULIET, null, "i1"));
        router.fromClient(ping(JULIET, JULIET.bare(), "i2"));
        router.fromClient(ping(JULIET, ROMEO, "i3"));
        assertEquals(List.of("own juliet@example.org p1", "own juliet@example.org p2", "own juliet@example.org i1",
            "own juliet@example.org i2", "deliver romeo@example.org i3"), accounts);
    }

    @Test
    void aClientsMessageToAnAccountIsAcknowledgedAndItsAccountGetsACopyWhenItsFeaturesWantOne() {
        assertTrue(router.fromClient(Message.chat(JULIET, ROMEO, "m1", "hi"), probe(), 7));
        assertEquals(List.of("acknowledged romeo@example.org m1 7", "sent juliet@example.org m1"), accounts);
    }

    @Test
    void aClientWhoseAccountWantsNoCopiesSendsNone() {
        assertTrue(router.fromClient(Message.chat(JULIET, ROMEO, "m1", "hi"), probe(), 7, false, false));
        assertEquals(List.of("acknowledged romeo@example.org m1 7"), accounts, "issue 18: one sharded message, not two");
    }

    @Test
    void aMessageWithoutToIsForTheSendersOwnBareJidAndNeedsNoCopy() {
        assertTrue(router.fromClient(Message.chat(JULIET, null, "m1", "note to self"), probe(), 1));
        assertEquals(List.of("acknowledged juliet@example.org m1 1"), accounts);
    }

    @Test
    void aMessageElsewhereIsRoutedAndNotAcknowledged() {
        assertFalse(router.fromClient(Message.chat(JULIET, Jid.parse("garden@conference.example.org"), "m1", "hi"),
            probe(), 1));
        assertInstanceOf(Message.class, rooms.get(0));
        assertEquals(List.of("sent juliet@example.org m1"), accounts);
    }

    /**
     * RFC 6120 §8.2.3: an IQ a client sends to another account or resource of this server, request or answer, is
     * acknowledged end to end as a message is (its entity may die on the way); to itself, a service or another
     * server it goes as before.
     */
    @Test
    void aClientsIqToAnotherAccountOrResourceIsAcknowledgedAndOthersGoAsBefore() {
        Jid romeosPhone = Jid.parse("romeo@example.org/phone");
        assertTrue(router.fromClient(ping(JULIET, romeosPhone, "i1"), probe(), 3));
        assertTrue(router.fromClient(ping(JULIET, ROMEO, "i2"), probe(), 4));
        assertTrue(router.fromClient(ping(JULIET, Jid.parse("juliet@example.org/garden"), "i3"), probe(), 5));
        assertTrue(router.fromClient(new Iq(JULIET, romeosPhone, "r1", Iq.Type.RESULT, null, List.of()), probe(), 6));
        assertFalse(router.fromClient(ping(JULIET, null, "i4"), probe(), 7));
        assertFalse(router.fromClient(ping(JULIET, JULIET.bare(), "i5"), probe(), 8));
        assertFalse(router.fromClient(ping(JULIET, Jid.parse("garden@conference.example.org"), "i6"), probe(), 9));
        assertEquals(List.of("acknowledged romeo@example.org i1 3", "acknowledged romeo@example.org i2 4",
            "acknowledged juliet@example.org i3 5", "acknowledged romeo@example.org r1 6", "own juliet@example.org i4",
            "own juliet@example.org i5"), accounts);
        assertEquals("i6", rooms.get(0).id());
    }

    /** A sending session's reference; the router only passes it on. */
    static ActorRef<SessionMessage> probe() {
        return testKit.<SessionMessage>createTestProbe().getRef();
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }
}
