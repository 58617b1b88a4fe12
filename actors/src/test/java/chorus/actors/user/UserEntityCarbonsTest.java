package chorus.actors.user;

import chorus.actors.ManualClock;
import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.carbons.Carbons;
import chorus.actors.feature.carbons.CarbonsFeature;
import chorus.actors.feature.carbons.CarbonsSettings;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.persistence.accounts.InMemoryAccountDirectory;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0280 in the account's entity: enabling per resource, received and sent copies and who gets them, the
 * eligibility rules of §6.1, and enablement surviving an entity that restarts.
 */
class UserEntityCarbonsTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final BareJid JULIET = UserEntityTest.JULIET;
    static final FullJid ORCHARD = UserEntityTest.ROMEO.withResource("orchard");

    final ManualClock clock = new ManualClock(UserEntityTest.NOW);
    final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    final TestProbe<MailboxEntity.Command> mailbox = testKit.createTestProbe();
    final TestProbe<SessionMessage> balcony = testKit.createTestProbe();
    final TestProbe<SessionMessage> chamber = testKit.createTestProbe();
    final TestProbe<SessionMessage> garden = testKit.createTestProbe();
    final List<Stanza> routed = new java.util.concurrent.CopyOnWriteArrayList<>();
    EventSourcedBehaviorTestKit<UserEntity.Command, AccountEvent, AccountState> juliet;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @BeforeEach
    void start() {
        juliet = EventSourcedBehaviorTestKit.create(testKit.system(), UserEntity.create(JULIET.toString(),
            new UserEntity.Deps(UserEntityTest.DOMAIN, routed::add,
                AccountFeatures.of(new CarbonsFeature(CarbonsSettings.defaults())), clock, UserSettings.defaults(),
                new InMemoryAccountDirectory(), jid -> mailbox.getRef(), DeliveryFailures.NONE),
            shard.getRef()));
        juliet.<UserEntity.AccountReply>runCommand(replyTo -> new UserEntity.CreateAccount(UserEntityTest.CREDS, replyTo));
        bind("balcony", balcony, 5);
        bind("chamber", chamber, 5);
        bind("garden", garden, 1);
    }

    void bind(String resource, TestProbe<SessionMessage> session, int priority) {
        juliet.<UserEntity.BindReply>runCommand(replyTo -> UserEntity.Bind.fresh(resource, session.getRef(), true, replyTo));
        Presence p = new Presence(JULIET.withResource(resource), null, null, Presence.Type.AVAILABLE, null,
            List.of(Element.build("priority", Ns.CLIENT).text(Integer.toString(priority)).get()));
        juliet.runCommand(new UserEntity.FromClient(p));
    }

    /** Enables (or disables) carbons for a resource; returns the answer its session got. */
    Iq carbons(String resource, TestProbe<SessionMessage> session, String what) {
        juliet.runCommand(new UserEntity.FromClient(
            Iq.of(JULIET.withResource(resource), null, what + "-1", Iq.Type.SET, Element.of(what, Carbons.NS))));
        return (Iq) next(session, st -> st instanceof Iq);
    }

    static Stanza next(TestProbe<SessionMessage> session, java.util.function.Predicate<Stanza> wanted) {
        for (int i = 0; i < 50; i++) {
            SessionMessage m = session.receiveMessage(Duration.ofSeconds(3));
            if (m instanceof SessionMessage.Deliver d && wanted.test(d.stanza())) {
                return d.stanza();
            }
        }
        throw new AssertionError("no such stanza");
    }

    /** What reached the session within a moment, skipping presence. */
    static List<Message> messages(TestProbe<SessionMessage> session) {
        List<Message> out = new ArrayList<>();
        for (SessionMessage m : session.receiveSeveralMessages(0, Duration.ofMillis(1))) {
            if (m instanceof SessionMessage.Deliver d && d.stanza() instanceof Message msg) {
                out.add(msg);
            }
        }
        try {
            while (true) {
                SessionMessage m = session.receiveMessage(Duration.ofMillis(150));
                if (m instanceof SessionMessage.Deliver d && d.stanza() instanceof Message msg) {
                    out.add(msg);
                }
            }
        } catch (AssertionError quiet) {
            return out;
        }
    }

    static Message forwarded(Message copy, String direction) {
        assertEquals(JULIET, copy.from(), "a copy comes from the account's bare JID");
        Element wrapper = copy.child(direction, Carbons.NS).orElseThrow(() -> new AssertionError("no " + direction));
        Element inner = wrapper.child("forwarded", "urn:xmpp:forward:0").orElseThrow()
            .child("message", Ns.CLIENT).orElseThrow();
        return (Message) Stanza.fromElement(inner);
    }

    static Message with(Message m, Node... more) {
        List<Node> children = new ArrayList<>(m.children());
        children.addAll(List.of(more));
        return m.withChildren(children);
    }

    void drain() {
        messages(balcony);
        messages(chamber);
        messages(garden);
    }

    @Test
    void aResourceEnablesCarbonsForItselfAndItsSessionKeepsThatInterest() {
        garden.receiveSeveralMessages(0, Duration.ofMillis(1));
        juliet.runCommand(new UserEntity.FromClient(
            Iq.of(JULIET.withResource("garden"), null, "enable-1", Iq.Type.SET, Element.of("enable", Carbons.NS))));
        List<SessionMessage> got = new ArrayList<>();
        do {
            got.add(garden.receiveMessage(Duration.ofSeconds(3)));
        } while (!(got.get(got.size() - 1) instanceof SessionMessage.Deliver d && d.stanza() instanceof Iq));
        Iq answer = (Iq) ((SessionMessage.Deliver) got.get(got.size() - 1)).stanza();
        assertEquals(Iq.Type.RESULT, answer.type());
        assertEquals("enable-1", answer.id());
        assertTrue(got.contains(new SessionMessage.Interests(Set.of(Carbons.NS))),
            "the session hears the interest, to bind with it again: " + got);
        assertEquals(Iq.Type.RESULT, carbons("garden", garden, "enable").type(), "enabling again is no error (§10.1)");
        juliet.runCommand(new UserEntity.FromClient(
            Iq.of(JULIET.withResource("garden"), null, "disable-1", Iq.Type.SET, Element.of("disable", Carbons.NS))));
        assertEquals(Set.of(), garden.expectMessageClass(SessionMessage.Interests.class).interests());
    }

    @Test
    void aMessageToOneResourceIsCopiedToTheOtherEnabledResourcesOnly() {
        carbons("garden", garden, "enable");
        carbons("balcony", balcony, "enable");
        drain();
        Message m = Message.chat(ORCHARD, JULIET.withResource("chamber"), "m1", "to the chamber");
        juliet.runCommand(new UserEntity.Deliver(m));
        assertEquals(m, messages(chamber).get(0), "the addressee gets the message itself");
        List<Message> g = messages(garden);
        assertEquals(1, g.size());
        assertEquals(JULIET.withResource("garden"), g.get(0).to());
        assertEquals(Message.Type.CHAT, g.get(0).type(), "the wrapper keeps the type");
        assertEquals(m, forwarded(g.get(0), "received"));
        assertEquals(1, messages(balcony).size(), "every enabled resource gets one");
    }

    @Test
    void aMessageToTheBareJidIsNotCopiedToTheResourcesThatReceivedIt() {
        carbons("garden", garden, "enable");
        carbons("balcony", balcony, "enable");
        carbons("chamber", chamber, "enable");
        drain();
        juliet.runCommand(new UserEntity.Deliver(Message.chat(ORCHARD, JULIET, "m1", "to whoever is first")));
        assertEquals("m1", messages(balcony).get(0).id(), "priority 5: delivered");
        assertEquals("m1", messages(chamber).get(0).id(), "priority 5: delivered");
        assertEquals("m1", forwarded(messages(garden).get(0), "received").id(), "priority 1: a copy");
    }

    @Test
    void whatAResourceSendsIsCopiedToTheOtherEnabledResourcesNotToItself() {
        carbons("garden", garden, "enable");
        carbons("balcony", balcony, "enable");
        drain();
        Message sent = Message.chat(JULIET.withResource("balcony"), ORCHARD, "s1", "from the balcony");
        juliet.runCommand(new UserEntity.Sent(sent));
        assertEquals(sent, forwarded(messages(garden).get(0), "sent"));
        assertTrue(messages(balcony).isEmpty(), "the sender has its message");
        assertTrue(messages(chamber).isEmpty(), "carbons not enabled");
        juliet.runCommand(new UserEntity.Sent(Message.chat(JULIET.withResource("chamber"), ORCHARD, "s2", "hi")));
        assertEquals(1, messages(balcony).size(), "whether the sender enabled carbons or not (§8)");
    }

    @Test
    void privateMessagesGroupchatAndMessagesFromRoomOccupantsAreNotCopied() {
        carbons("garden", garden, "enable");
        drain();
        Message chat = Message.chat(ORCHARD, JULIET.withResource("balcony"), "p1", "secret");
        juliet.runCommand(new UserEntity.Deliver(with(chat, Element.of("private", Carbons.NS))));
        juliet.runCommand(new UserEntity.Deliver(with(chat.withChildren(chat.children()),
            Element.of("no-copy", "urn:xmpp:hints"))));
        FullJid occupant = new BareJid("room", "conference.example.org").withResource("nurse");
        juliet.runCommand(new UserEntity.Deliver(new Message(occupant, JULIET.withResource("balcony"), "g1",
            Message.Type.GROUPCHAT, null, chat.children())));
        juliet.runCommand(new UserEntity.Deliver(with(Message.chat(occupant, JULIET.withResource("balcony"), "pm1",
            "psst"), Element.of("x", "http://jabber.org/protocol/muc#user"))));
        juliet.runCommand(new UserEntity.Deliver(new Message(ORCHARD, JULIET.withResource("balcony"), "n1",
            Message.Type.NORMAL, null, List.of(Element.of("unknown", "urn:example:payload")))));
        assertTrue(messages(garden).isEmpty());
        juliet.runCommand(new UserEntity.Sent(with(Message.chat(JULIET.withResource("balcony"), occupant, "pm2",
            "to the nurse"), Element.of("x", "http://jabber.org/protocol/muc#user"))));
        assertEquals("pm2", forwarded(messages(garden).get(0), "sent").id(), "a private message to an occupant is");
    }

    @Test
    void invitationsReceiptsChatStatesAndNormalMessagesWithABodyAreCopied() {
        carbons("garden", garden, "enable");
        drain();
        FullJid to = JULIET.withResource("balcony");
        BareJid room = new BareJid("room", "conference.example.org");
        juliet.runCommand(new UserEntity.Deliver(new Message(room, to, "i1", Message.Type.NORMAL, null,
            List.of(Element.build("x", "http://jabber.org/protocol/muc#user")
                .child(Element.build("invite", "http://jabber.org/protocol/muc#user").attr("from", "romeo@example.org")
                    .get()).get()))));
        juliet.runCommand(new UserEntity.Deliver(new Message(ORCHARD, to, "i2", Message.Type.NORMAL, null,
            List.of(Element.build("x", "jabber:x:conference").attr("jid", room.toString()).get()))));
        juliet.runCommand(new UserEntity.Deliver(new Message(ORCHARD, to, "r1", Message.Type.NORMAL, null,
            List.of(Element.build("received", "urn:xmpp:receipts").attr("id", "s1").get()))));
        juliet.runCommand(new UserEntity.Deliver(new Message(ORCHARD, to, "c1", Message.Type.CHAT, null,
            List.of(Element.of("composing", "http://jabber.org/protocol/chatstates")))));
        juliet.runCommand(new UserEntity.Deliver(new Message(ORCHARD, to, "n1", Message.Type.NORMAL, null,
            List.of(Element.build("body", Ns.CLIENT).text("hello").get()))));
        List<String> ids = messages(garden).stream().map(c -> forwarded(c, "received").id()).toList();
        assertEquals(List.of("i1", "i2", "r1", "c1", "n1"), ids);
    }

    @Test
    void anErrorIsCopiedWhenItAnswersACopiedMessage() {
        carbons("garden", garden, "enable");
        drain();
        Message sent = Message.chat(JULIET.withResource("balcony"), ORCHARD, "s1", "are you there?");
        juliet.runCommand(new UserEntity.Sent(sent));
        messages(garden);
        Message bounce = (Message) sent.errorReply(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE));
        juliet.runCommand(new UserEntity.Deliver(bounce));
        Message copy = messages(garden).get(0);
        assertEquals(Message.Type.ERROR, copy.type());
        assertEquals("s1", forwarded(copy, "received").id());
        Message stray = new Message(ORCHARD, JULIET.withResource("balcony"), "unknown", Message.Type.ERROR, null,
            List.of(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE).toElement()));
        juliet.runCommand(new UserEntity.Deliver(stray));
        assertTrue(messages(garden).isEmpty(), "an error to nothing the account sent is not");
    }

    @Test
    void onlyTheAccountsOwnResourcesEnableCarbonsAndOnlyWithASet() {
        juliet.runCommand(new UserEntity.Deliver(Iq.of(ORCHARD, JULIET, "e1", Iq.Type.SET,
            Element.of("enable", Carbons.NS))));
        Iq refused = (Iq) routed.stream().filter(s -> s instanceof Iq).reduce((a, b) -> b).orElseThrow();
        assertEquals(StanzaError.Condition.NOT_ALLOWED, StanzaError.conditionOf(refused));
        juliet.runCommand(new UserEntity.FromClient(Iq.of(JULIET.withResource("garden"), null, "g1", Iq.Type.GET,
            Element.of("enable", Carbons.NS))));
        assertEquals(StanzaError.Condition.BAD_REQUEST,
            StanzaError.conditionOf(next(garden, st -> st instanceof Iq)));
    }

    @Test
    void aDisabledResourceGetsNoMoreCopies() {
        carbons("garden", garden, "enable");
        carbons("garden", garden, "disable");
        drain();
        juliet.runCommand(new UserEntity.Deliver(Message.chat(ORCHARD, JULIET.withResource("balcony"), "m1", "hi")));
        assertTrue(messages(garden).isEmpty());
    }

    @Test
    void aSessionThatBindsAgainWithItsInterestsKeepsCarbonsEnabled() {
        // As after the entity restarted elsewhere: the session binds again with what it was told.
        TestProbe<SessionMessage> again = testKit.createTestProbe();
        juliet.<UserEntity.BindReply>runCommand(replyTo -> new UserEntity.Bind("study", again.getRef(), true,
            Presence.of(JULIET.withResource("study"), null, Presence.Type.AVAILABLE), false, replyTo,
            Set.of(Carbons.NS)));
        juliet.runCommand(new UserEntity.Deliver(Message.chat(ORCHARD, JULIET.withResource("balcony"), "m1", "hi")));
        Message copy = (Message) next(again, st -> st instanceof Message);
        assertInstanceOf(Message.class, forwarded(copy, "received"));
    }
}
