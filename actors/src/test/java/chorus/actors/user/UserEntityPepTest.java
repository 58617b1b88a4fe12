package chorus.actors.user;

import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.caps.Caps;
import chorus.actors.caps.CapsVerifier;
import chorus.actors.feature.pep.PepFeature;
import chorus.actors.feature.pep.PepHandler;
import chorus.actors.feature.pep.PepNodes;
import chorus.actors.caps.CapsCache;
import chorus.actors.feature.pep.PepLimits;
import chorus.actors.feature.roster.Subscription;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0163 in the user's entity: publishing persists, notifications follow caps (+notify), last items follow. */
class UserEntityPepTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final Instant NOW = UserEntityTest.NOW;
    static final BareJid JULIET = UserEntityTest.JULIET;
    static final BareJid ROMEO = UserEntityTest.ROMEO;
    static final String TUNE = "http://jabber.org/protocol/tune";
    static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    /** Limits small enough to reach: items of 200 characters, three nodes. */
    static final PepLimits LIMITS = new PepLimits(200, 3, 10, 1000);

    final LinkedBlockingQueue<Stanza> routed = new LinkedBlockingQueue<>();
    final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    final TestProbe<MailboxEntity.Command> mailbox = testKit.createTestProbe();
    final UserSettings settings = new UserSettings(Duration.ofMinutes(2), 0, UserSettings.defaults().rosterLimits(),
        Duration.ofSeconds(10));
    final EventSourcedBehaviorTestKit<UserEntity.Command, AccountEvent, AccountState> juliet =
        EventSourcedBehaviorTestKit.create(testKit.system(), UserEntity.create(JULIET.toString(),
            new UserEntity.Deps(UserEntityTest.DOMAIN, routed::add,
                AccountFeatures.of(new PepFeature(LIMITS, new CapsCache())), Clock.fixed(NOW, ZoneOffset.UTC), settings,
                new InMemoryAccountDirectory(), jid -> mailbox.getRef(), (st, c) -> { }),
            shard.getRef()));
    FullJid me;

    @BeforeEach
    void createAccountWithASession() {
        juliet.clear();
        routed.clear();
        juliet.<UserEntity.AccountReply>runCommand(replyTo -> new UserEntity.CreateAccount(UserEntityTest.CREDS, replyTo));
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        me = ((UserEntity.BindReply.Bound) juliet.<UserEntity.BindReply>runCommand(
            replyTo -> UserEntity.Bind.fresh("balcony", s.getRef(), true, replyTo)).reply()).jid();
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void aPublishedItemIsAnsweredWithItsIdAndSurvivesARestart() {
        juliet.runCommand(new UserEntity.FromClient(publish(TUNE, "t1", tune("Dance"))));
        Iq reply = (Iq) next(st -> st instanceof Iq);
        assertEquals(Iq.Type.RESULT, reply.type());
        assertEquals(me, reply.to());
        assertEquals("t1", reply.payload().orElseThrow().child("publish", PepHandler.NS).orElseThrow()
            .child("item", PepHandler.NS).orElseThrow().attr("id"));
        AccountState after = juliet.restart().state();
        assertEquals("t1", after.slice(PepNodes.KEY).nodes().get(TUNE).last().orElseThrow().id());
        assertEquals("Dance", after.slice(PepNodes.KEY).nodes().get(TUNE).last().orElseThrow().payload().childText("title", TUNE).orElseThrow());
    }

    @Test
    void anOversizedItemIsRefusedAndNothingIsStored() {
        juliet.runCommand(new UserEntity.FromClient(publish(TUNE, "big", tune("x".repeat(300)))));
        Iq reply = (Iq) next(st -> st instanceof Iq);
        assertEquals(StanzaError.Condition.NOT_ACCEPTABLE, StanzaError.conditionOf(reply));
        assertTrue(juliet.getState().slice(PepNodes.KEY).nodes().isEmpty());
    }

    @Test
    void aNodeBeyondTheLimitIsRefusedWhileTheOthersStay() {
        for (String node : List.of("n1", "n2", "n3", "n4")) {
            juliet.runCommand(new UserEntity.FromClient(publish(node, "i", tune("t"))));
        }
        List<Iq.Type> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(((Iq) next(st -> st instanceof Iq)).type());
        }
        assertEquals(List.of(Iq.Type.RESULT, Iq.Type.RESULT, Iq.Type.RESULT, Iq.Type.ERROR), answers);
        assertEquals(List.of("n1", "n2", "n3"), List.copyOf(juliet.restart().state().slice(PepNodes.KEY).nodes().keySet()));
    }

    @Test
    void aContactWhoseCapsWantTheNodeIsNotifiedAndOneWhoseCapsDoNotIsNot() {
        befriendRomeo();
        FullJid orchard = ROMEO.withResource("orchard");
        FullJid garden = ROMEO.withResource("garden");
        announce(orchard, List.of(TUNE + "+notify"), true);
        announce(garden, List.of("urn:example:other+notify"), true);
        routed.clear();

        juliet.runCommand(new UserEntity.FromClient(publish(TUNE, "t1", tune("Dance"))));
        Message m = (Message) next(st -> st instanceof Message);
        assertEquals(orchard, m.to());
        assertEquals(JULIET, m.from());
        assertEquals(Message.Type.HEADLINE, m.type());
        Element item = m.child("event", PepHandler.EVENT).orElseThrow().child("items", PepHandler.EVENT).orElseThrow()
            .child("item", PepHandler.EVENT).orElseThrow();
        assertEquals("t1", item.attr("id"));
        assertNull(next(st -> st instanceof Message), "the garden resource asked for nothing");
    }

    @Test
    void aResourceThatStartsToWantANodeGetsTheLastItemOnceAndItsVerifiedCapsServeOthers() {
        juliet.runCommand(new UserEntity.FromClient(publish(TUNE, "t1", tune("Dance"))));
        befriendRomeo();
        routed.clear();
        FullJid orchard = ROMEO.withResource("orchard");
        announce(orchard, List.of(TUNE + "+notify"), true);
        Message last = (Message) next(st -> st instanceof Message);
        assertEquals(orchard, last.to());
        // A presence update with the same caps sends nothing again.
        juliet.runCommand(new UserEntity.Deliver(presence(orchard, List.of(TUNE + "+notify"))));
        assertNull(next(st -> st instanceof Message));
        // Another resource with the same (verified) caps is not asked: it gets the item at once.
        FullJid garden = ROMEO.withResource("garden");
        juliet.runCommand(new UserEntity.Deliver(presence(garden, List.of(TUNE + "+notify"))));
        Stanza first = next(st -> true);
        assertTrue(first instanceof Message && first.to().equals(garden), "no disco#info request, the item: " + first);
    }

    @Test
    void aStrangersPresenceIsNotTrackedAndAnItemsRequestFromItIsRefused() {
        FullJid iago = new BareJid("iago", "example.org").withResource("x");
        juliet.runCommand(new UserEntity.Deliver(presence(iago, List.of(TUNE + "+notify"))));
        assertNull(next(st -> st instanceof Iq), "no disco#info to a stranger");
        juliet.runCommand(new UserEntity.FromClient(publish(TUNE, "t1", tune("Dance"))));
        next(st -> st instanceof Iq);
        juliet.runCommand(new UserEntity.Deliver(Iq.of(iago, JULIET, "g", Iq.Type.GET, Element.build("pubsub", PepHandler.NS)
            .child(Element.build("items", PepHandler.NS).attr("node", TUNE).get()).get())));
        Iq r = (Iq) next(st -> st instanceof Iq);
        assertEquals(StanzaError.Condition.SERVICE_UNAVAILABLE, StanzaError.conditionOf(r));
    }

    /** Romeo and Juliet share presence both ways (RFC 6121 §3). */
    private void befriendRomeo() {
        juliet.runCommand(new UserEntity.Deliver(Presence.of(ROMEO, JULIET, Presence.Type.SUBSCRIBE)));
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, ROMEO, null, Presence.Type.SUBSCRIBED, null, List.of())));
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, ROMEO, null, Presence.Type.SUBSCRIBE, null, List.of())));
        juliet.runCommand(new UserEntity.Deliver(Presence.of(ROMEO, JULIET, Presence.Type.SUBSCRIBED)));
        assertEquals(Subscription.BOTH, juliet.getState().roster().get(ROMEO).orElseThrow().subscription());
    }

    /** The contact's resource sends presence with caps; the entity asks for the disco#info and gets it. */
    private void announce(FullJid from, List<String> features, boolean expectQuery) {
        juliet.runCommand(new UserEntity.Deliver(presence(from, features)));
        Iq query = (Iq) next(st -> st instanceof Iq && st.to().equals(from));
        assertNotNull(query, "a disco#info request to " + from);
        assertEquals(JULIET, query.from());
        Element info = discoInfo(features).withAttr("node", query.payload().orElseThrow().attr("node"));
        juliet.runCommand(new UserEntity.Deliver(Iq.of(from, JULIET, query.id(), Iq.Type.RESULT, info)));
    }

    static Presence presence(FullJid from, List<String> features) {
        String ver = CapsVerifier.ver(discoInfo(features), "sha-1").orElseThrow();
        Element c = Element.build("c", Caps.NS).attr("hash", "sha-1").attr("node", "https://example.org/client")
            .attr("ver", ver).get();
        return new Presence(from, JULIET, null, Presence.Type.AVAILABLE, null, List.of(c));
    }

    static Element discoInfo(List<String> features) {
        Element.Builder q = Element.build("query", DISCO_INFO)
            .child(Element.build("identity", DISCO_INFO).attr("category", "client").attr("type", "pc").get());
        for (String f : features) {
            q.child(Element.build("feature", DISCO_INFO).attr("var", f).get());
        }
        return q.get();
    }

    static Element tune(String title) {
        return Element.build("tune", TUNE).textChild("title", TUNE, title).get();
    }

    private Iq publish(String node, String id, Element payload) {
        return Iq.of(me, null, "pub-" + node, Iq.Type.SET, Element.build("pubsub", PepHandler.NS)
            .child(Element.build("publish", PepHandler.NS).attr("node", node)
                .child(Element.build("item", PepHandler.NS).attr("id", id).child(payload).get()).get()).get());
    }

    /** The next routed stanza that matches, skipping others; null when none comes within a moment. */
    private Stanza next(Predicate<Stanza> wanted) {
        return next(routed, wanted);
    }

    /** The next stanza of {@code routed} that matches, skipping others; null when none comes within a moment. */
    static Stanza next(LinkedBlockingQueue<Stanza> routed, Predicate<Stanza> wanted) {
        try {
            while (true) {
                Stanza st = routed.poll(300, TimeUnit.MILLISECONDS);
                if (st == null || wanted.test(st)) {
                    return st;
                }
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
