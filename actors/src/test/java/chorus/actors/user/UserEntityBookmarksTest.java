package chorus.actors.user;

import chorus.actors.caps.CapsCache;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.bookmarks.BookmarksFeature;
import chorus.actors.feature.pep.PepConfig;
import chorus.actors.feature.pep.PepFeature;
import chorus.actors.feature.pep.PepHandler;
import chorus.actors.feature.pep.PepItem;
import chorus.actors.feature.pep.PepLimits;
import chorus.actors.feature.pep.PepNode;
import chorus.actors.feature.pep.PepNodes;
import chorus.actors.feature.privatedata.PrivateHandler;
import chorus.actors.feature.privatedata.PrivateStore;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
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
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0402 §5.3 in the user's entity: XEP-0048 bookmarks in private storage and the PEP node kept in sync. */
class UserEntityBookmarksTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final BareJid JULIET = UserEntityTest.JULIET;
    static final String NATIVE = "urn:xmpp:bookmarks:1";
    static final String LEGACY = "storage:bookmarks";
    /** Three nodes at most, items of 300 characters, ten items a node. */
    static final PepLimits LIMITS = new PepLimits(300, 3, 10, 2000);

    final LinkedBlockingQueue<Stanza> routed = new LinkedBlockingQueue<>();
    final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    final TestProbe<MailboxEntity.Command> mailbox = testKit.createTestProbe();
    final UserSettings settings = new UserSettings(Duration.ofMinutes(2), 0, UserSettings.defaults().rosterLimits(),
        Duration.ofSeconds(10));
    final EventSourcedBehaviorTestKit<UserEntity.Command, AccountEvent, AccountState> juliet =
        EventSourcedBehaviorTestKit.create(testKit.system(), UserEntity.create(JULIET.toString(),
            new UserEntity.Deps(UserEntityTest.DOMAIN, routed::add, features(), Clock.fixed(UserEntityTest.NOW,
                ZoneOffset.UTC), settings, new InMemoryAccountDirectory(), jid -> mailbox.getRef(), (st, c) -> { }),
            shard.getRef()));
    FullJid me;

    static AccountFeatures features() {
        PrivateHandler privateData = new PrivateHandler();
        return AccountFeatures.of(AccountFeature.of(privateData), new PepFeature(LIMITS, new CapsCache()),
            new BookmarksFeature(LIMITS, privateData.maxWeight()));
    }

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
    void theAccountAnnouncesTheCompatFeature() {
        assertTrue(features().discoFeatures().contains("urn:xmpp:bookmarks:1#compat"));
    }

    @Test
    void legacyBookmarksStoredInPrivateStorageBecomeOneWhitelistItemPerRoomThatSurvivesARestart() {
        storeLegacy(legacyConference("coven@chat.shakespeare.lit", "The Coven", "true", "Juliet", "pw"),
            legacyConference("orchard@chat.shakespeare.lit", null, "false", null, null),
            Element.build("url", LEGACY).attr("name", "site").attr("url", "https://shakespeare.lit").get());
        PepNode node = juliet.restart().state().slice(PepNodes.KEY).nodes().get(NATIVE);
        assertNotNull(node, "the bookmarks node was created");
        assertEquals(new PepConfig(PepConfig.WHITELIST, LIMITS.maxItems(), "never"), node.config());
        assertEquals(List.of("coven@chat.shakespeare.lit", "orchard@chat.shakespeare.lit"),
            node.items().stream().map(PepItem::id).toList());
        Element coven = node.item("coven@chat.shakespeare.lit").orElseThrow().payload();
        assertTrue(coven.is("conference", NATIVE));
        assertEquals("The Coven", coven.attr("name"));
        assertEquals("true", coven.attr("autojoin"));
        assertEquals("Juliet", coven.childText("nick", NATIVE).orElseThrow());
        assertEquals("pw", coven.childText("password", NATIVE).orElseThrow());
        Element orchard = node.item("orchard@chat.shakespeare.lit").orElseThrow().payload();
        assertNull(orchard.attr("autojoin"), "autojoin false is the default");
        assertTrue(orchard.child("nick", NATIVE).isEmpty());
    }

    @Test
    void aNativeBookmarkPublishedWithTheXep0402OptionsAppearsInPrivateStorageWhichKeepsItsUrls() {
        storeLegacy(Element.build("url", LEGACY).attr("name", "site").attr("url", "https://shakespeare.lit").get());
        juliet.runCommand(new UserEntity.FromClient(publishNative("coven@chat.shakespeare.lit",
            nativeConference("The Coven", "Juliet", null))));
        assertEquals(Iq.Type.RESULT, ((Iq) next(st -> st instanceof Iq)).type());

        Element storage = getLegacy();
        List<Element> conferences = storage.elements("conference", LEGACY);
        assertEquals(1, conferences.size());
        assertEquals("coven@chat.shakespeare.lit", conferences.get(0).attr("jid"));
        assertEquals("The Coven", conferences.get(0).attr("name"));
        assertEquals("true", conferences.get(0).attr("autojoin"));
        assertEquals("Juliet", conferences.get(0).childText("nick", LEGACY).orElseThrow());
        assertEquals(1, storage.elements("url", LEGACY).size(), "the URL bookmark stays");

        juliet.runCommand(new UserEntity.FromClient(Iq.of(me, null, "retract", Iq.Type.SET,
            Element.build("pubsub", PepHandler.NS).child(Element.build("retract", PepHandler.NS).attr("node", NATIVE)
                .child(Element.build("item", PepHandler.NS).attr("id", "coven@chat.shakespeare.lit").get()).get()).get())));
        assertEquals(Iq.Type.RESULT, ((Iq) next(st -> st instanceof Iq)).type());
        Element after = getLegacy();
        assertTrue(after.elements("conference", LEGACY).isEmpty(), "the retracted room left private storage");
        assertEquals(1, after.elements("url", LEGACY).size());
    }

    @Test
    void aLegacyWriteRetractsTheRoomsItDropsAndKeepsTheExtensionsOfTheRoomsItChanges() {
        Element extensions = Element.build("extensions", NATIVE)
            .child(Element.build("state", "urn:example:pinning").attr("pinned", "true").get()).get();
        juliet.runCommand(new UserEntity.FromClient(publishNative("coven@chat.shakespeare.lit",
            nativeConference("The Coven", "Juliet", extensions))));
        juliet.runCommand(new UserEntity.FromClient(publishNative("orchard@chat.shakespeare.lit",
            nativeConference("Orchard", null, null))));
        assertEquals(2, getLegacy().elements("conference", LEGACY).size(), "both rooms reached private storage");

        storeLegacy(legacyConference("coven@chat.shakespeare.lit", "Witches", "true", "Juliet", null));
        PepNode node = juliet.getState().slice(PepNodes.KEY).nodes().get(NATIVE);
        assertEquals(List.of("coven@chat.shakespeare.lit"), node.items().stream().map(PepItem::id).toList());
        Element coven = node.items().get(0).payload();
        assertEquals("Witches", coven.attr("name"));
        assertEquals(extensions, coven.child("extensions", NATIVE).orElseThrow(), "the extensions stay on the item");
    }

    @Test
    void theOwnResourceThatWantsTheNodeIsNotifiedOfALegacyWrite() {
        List<String> wishes = List.of(NATIVE + "+notify");
        Presence available = UserEntityPepTest.presence(me, wishes);
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, null, null, Presence.Type.AVAILABLE, null,
            available.children())));
        Iq query = (Iq) next(st -> st instanceof Iq && me.equals(st.to()));
        assertNotNull(query, "the entity asks its resource for its caps' features");
        Element info = UserEntityPepTest.discoInfo(wishes).withAttr("node", query.payload().orElseThrow().attr("node"));
        juliet.runCommand(new UserEntity.FromClient(Iq.of(me, JULIET, query.id(), Iq.Type.RESULT, info)));
        routed.clear();

        storeLegacy(legacyConference("coven@chat.shakespeare.lit", "The Coven", "true", null, null));
        Message m = (Message) next(st -> st instanceof Message);
        assertNotNull(m, "a notification of the derived item");
        assertEquals(me, m.to());
        Element items = m.child("event", PepHandler.EVENT).orElseThrow().child("items", PepHandler.EVENT).orElseThrow();
        assertEquals(NATIVE, items.attr("node"));
        assertEquals("coven@chat.shakespeare.lit", items.child("item", PepHandler.EVENT).orElseThrow().attr("id"));

        routed.clear();
        storeLegacy();
        Message retract = (Message) next(st -> st instanceof Message);
        assertNotNull(retract, "a retraction notification");
        assertEquals("coven@chat.shakespeare.lit", retract.child("event", PepHandler.EVENT).orElseThrow()
            .child("items", PepHandler.EVENT).orElseThrow().child("retract", PepHandler.EVENT).orElseThrow().attr("id"));
    }

    @Test
    void aLegacyWriteThatPepCannotTakeIsStoredAndLeavesPepAlone() {
        for (String node : List.of("n1", "n2", "n3")) {
            juliet.runCommand(new UserEntity.FromClient(Iq.of(me, null, "p-" + node, Iq.Type.SET,
                Element.build("pubsub", PepHandler.NS).child(Element.build("publish", PepHandler.NS).attr("node", node)
                    .child(Element.build("item", PepHandler.NS).attr("id", "i")
                        .child(Element.of("x", "urn:example")).get()).get()).get())));
        }
        storeLegacy(legacyConference("coven@chat.shakespeare.lit", "The Coven", "true", null, null));
        assertNull(juliet.getState().slice(PepNodes.KEY).nodes().get(NATIVE), "no fourth node");
        assertEquals(1, getLegacy().elements("conference", LEGACY).size(), "the owner's write was taken");
    }

    @Test
    void removingTheAccountErasesBothStores() {
        storeLegacy(legacyConference("coven@chat.shakespeare.lit", "The Coven", "true", null, null));
        assertFalse(juliet.getState().slice(PepNodes.KEY).nodes().isEmpty());
        juliet.<UserEntity.AccountReply>runCommand(UserEntity.RemoveAccount::new);
        AccountState after = juliet.restart().state();
        assertFalse(after.exists());
        assertTrue(after.slice(PepNodes.KEY).nodes().isEmpty());
        assertTrue(after.slice(PrivateStore.KEY).elements().isEmpty());
    }

    // ---- helpers ----

    private void storeLegacy(Element... children) {
        juliet.runCommand(new UserEntity.FromClient(Iq.of(me, null, "priv", Iq.Type.SET,
            Element.build("query", PrivateHandler.NS).child(Element.build("storage", LEGACY).children(List.of(children))
                .get()).get())));
        Iq reply = (Iq) next(st -> st instanceof Iq && "priv".equals(st.id()));
        assertEquals(Iq.Type.RESULT, reply.type());
    }

    /** What an old client reads back (XEP-0049 get). */
    private Element getLegacy() {
        juliet.runCommand(new UserEntity.FromClient(Iq.of(me, null, "get", Iq.Type.GET,
            Element.build("query", PrivateHandler.NS).child(Element.of("storage", LEGACY)).get())));
        Iq reply = (Iq) next(st -> st instanceof Iq && "get".equals(st.id()));
        assertEquals(Iq.Type.RESULT, reply.type());
        return reply.payload().orElseThrow().child("storage", LEGACY).orElseThrow();
    }

    static Element legacyConference(String jid, String name, String autojoin, String nick, String password) {
        return Element.build("conference", LEGACY).attr("jid", jid).attr("name", name).attr("autojoin", autojoin)
            .textChild("nick", LEGACY, nick).textChild("password", LEGACY, password).get();
    }

    static Element nativeConference(String name, String nick, Element extensions) {
        return Element.build("conference", NATIVE).attr("name", name).attr("autojoin", "true")
            .textChild("nick", NATIVE, nick).child(extensions).get();
    }

    /** XEP-0402 §3.2: a publish with the node's publish-options. */
    private Iq publishNative(String room, Element conference) {
        Element options = Element.build("publish-options", PepHandler.NS).child(
            DataForm.build("submit", PepHandler.NS + "#publish-options")
                .field("pubsub#persist_items", null, null, "true")
                .field("pubsub#max_items", null, null, "max")
                .field("pubsub#send_last_published_item", null, null, "never")
                .field("pubsub#access_model", null, null, "whitelist").get()).get();
        return Iq.of(me, null, "pub-" + room, Iq.Type.SET, Element.build("pubsub", PepHandler.NS)
            .child(Element.build("publish", PepHandler.NS).attr("node", NATIVE)
                .child(Element.build("item", PepHandler.NS).attr("id", room).child(conference).get()).get())
            .child(options).get());
    }

    private Stanza next(Predicate<Stanza> wanted) {
        return UserEntityPepTest.next(routed, wanted);
    }
}
