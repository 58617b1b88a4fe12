package chorus.actors.user;

import chorus.actors.caps.CapsCache;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.avatars.AvatarFeature;
import chorus.actors.feature.pep.PepFeature;
import chorus.actors.feature.pep.PepHandler;
import chorus.actors.feature.pep.PepLimits;
import chorus.actors.feature.pep.PepNode;
import chorus.actors.feature.pep.PepNodes;
import chorus.actors.feature.vcard.StoredVCard;
import chorus.actors.feature.vcard.VCardHandler;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0398 and XEP-0153 in the user's entity: the XEP-0084 avatar and the vCard PHOTO kept in sync, hashes in presence. */
class UserEntityAvatarTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final BareJid JULIET = UserEntityTest.JULIET;
    static final String DATA = "urn:xmpp:avatar:data";
    static final String METADATA = "urn:xmpp:avatar:metadata";
    static final String VCARD = "vcard-temp";
    /** A tiny image: its bytes, base64 and SHA-1 (XEP-0084 §4.2 id). */
    static final byte[] IMAGE = "not really a png".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final String B64 = java.util.Base64.getEncoder().encodeToString(IMAGE);
    /** Three nodes at most, items of 300 characters, ten items a node. */
    static final PepLimits LIMITS = new PepLimits(300, 4, 10, 2000);

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
        VCardHandler vcard = new VCardHandler(200);
        return AccountFeatures.of(AccountFeature.of(vcard), new PepFeature(LIMITS, new CapsCache()),
            new AvatarFeature(LIMITS, vcard.maxWeight()));
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
    void theAccountAnnouncesTheConversion() {
        assertTrue(features().discoFeatures().contains("urn:xmpp:pep-vcard-conversion:0"));
    }

    @Test
    void aXep0084AvatarBecomesTheVCardPhotoAndOtherVCardFieldsStay() {
        setVCard(Element.build("vCard", VCARD).textChild("FN", VCARD, "Juliet Capulet").get());
        publish(DATA, sha1(), Element.build("data", DATA).text(B64).get());
        assertNull(juliet.getState().slice(StoredVCard.KEY).vcard().child("PHOTO", VCARD).orElse(null),
            "the data alone changes nothing (XEP-0084 §4.1: metadata follows)");
        publish(METADATA, sha1(), metadata());
        Element vcard = getVCard();
        assertEquals("Juliet Capulet", vcard.childText("FN", VCARD).orElseThrow());
        Element photo = vcard.child("PHOTO", VCARD).orElseThrow();
        assertEquals("image/png", photo.childText("TYPE", VCARD).orElseThrow());
        assertEquals(B64, photo.childText("BINVAL", VCARD).orElseThrow());

        // XEP-0084 §4.5: empty metadata disables the avatar, and the PHOTO goes.
        publish(METADATA, "off", Element.of("metadata", METADATA));
        assertTrue(getVCard().child("PHOTO", VCARD).isEmpty());
    }

    @Test
    void aVCardPhotoIsPublishedAsXep0084WithItsHashAsItemId() {
        setVCard(vcardWithPhoto());
        PepNode data = juliet.getState().slice(PepNodes.KEY).nodes().get(DATA);
        assertNotNull(data, "the data node was created");
        assertEquals(sha1(), data.last().orElseThrow().id());
        assertEquals(B64, data.last().orElseThrow().payload().text());
        PepNode meta = juliet.getState().slice(PepNodes.KEY).nodes().get(METADATA);
        Element info = meta.last().orElseThrow().payload().child("info", METADATA).orElseThrow();
        assertEquals(sha1(), info.attr("id"));
        assertEquals(Integer.toString(IMAGE.length), info.attr("bytes"));
        assertEquals("image/png", info.attr("type"));

        // The same PHOTO again publishes nothing new; a vCard without one publishes empty metadata.
        setVCard(vcardWithPhoto());
        assertEquals(1, juliet.getState().slice(PepNodes.KEY).nodes().get(METADATA).items().size());
        setVCard(Element.build("vCard", VCARD).textChild("FN", VCARD, "Juliet").get());
        assertTrue(juliet.restart().state().slice(PepNodes.KEY).nodes().get(METADATA).last().orElseThrow().payload()
            .elements().isEmpty(), "empty metadata: no avatar, after a restart too");
    }

    @Test
    void theServerAddsThePhotoHashToPresenceWithoutOne() {
        setVCard(vcardWithPhoto());
        routed.clear();
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, UserEntityTest.ROMEO, null,
            Presence.Type.AVAILABLE, null, List.of())));
        Presence out = (Presence) next(st -> st instanceof Presence);
        assertNotNull(out);
        assertEquals(sha1(), out.child("x", "vcard-temp:x:update").orElseThrow().childText("photo", "vcard-temp:x:update")
            .orElseThrow());

        // A client that sent its own (here: empty, "not ready") is left alone.
        routed.clear();
        Element own = Element.build("x", "vcard-temp:x:update").child(Element.of("photo", "vcard-temp:x:update")).get();
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, UserEntityTest.ROMEO, null,
            Presence.Type.AVAILABLE, null, List.of(own))));
        Presence kept = (Presence) next(st -> st instanceof Presence);
        assertEquals("", kept.child("x", "vcard-temp:x:update").orElseThrow().childText("photo", "vcard-temp:x:update")
            .orElseThrow());
    }

    @Test
    void anAvatarTooLargeForTheVCardLimitLeavesTheVCardAlone() {
        String big = java.util.Base64.getEncoder().encodeToString(new byte[140]);
        String id = hash(new byte[140]);
        publish(DATA, id, Element.build("data", DATA).text(big).get());
        publish(METADATA, id, Element.build("metadata", METADATA).child(Element.build("info", METADATA)
            .attr("id", id).attr("bytes", "140").attr("type", "image/png").get()).get());
        assertNull(juliet.getState().slice(StoredVCard.KEY).vcard(), "a vCard over 200 characters is not made");
        assertEquals(id, juliet.getState().slice(PepNodes.KEY).nodes().get(METADATA).last().orElseThrow().id(),
            "the owner's publish was taken");
    }

    // ---- helpers ----

    static String sha1() {
        return hash(IMAGE);
    }

    static String hash(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Element metadata() {
        return Element.build("metadata", METADATA).child(Element.build("info", METADATA).attr("id", sha1())
            .attr("bytes", Integer.toString(IMAGE.length)).attr("type", "image/png").get()).get();
    }

    static Element vcardWithPhoto() {
        return Element.build("vCard", VCARD).textChild("FN", VCARD, "Juliet").child(Element.build("PHOTO", VCARD)
            .textChild("TYPE", VCARD, "image/png").textChild("BINVAL", VCARD, B64).get()).get();
    }

    private void setVCard(Element vcard) {
        juliet.runCommand(new UserEntity.FromClient(Iq.of(me, null, "vc", Iq.Type.SET, vcard)));
        Iq reply = (Iq) next(st -> st instanceof Iq && "vc".equals(st.id()));
        assertEquals(Iq.Type.RESULT, reply.type());
    }

    private Element getVCard() {
        juliet.runCommand(new UserEntity.FromClient(Iq.of(me, null, "vg", Iq.Type.GET, Element.of("vCard", VCARD))));
        Iq reply = (Iq) next(st -> st instanceof Iq && "vg".equals(st.id()));
        assertEquals(Iq.Type.RESULT, reply.type());
        return reply.payload().orElseThrow();
    }

    private void publish(String node, String id, Element payload) {
        juliet.runCommand(new UserEntity.FromClient(Iq.of(me, null, "pub", Iq.Type.SET, Element.build("pubsub", PepHandler.NS)
            .child(Element.build("publish", PepHandler.NS).attr("node", node)
                .child(Element.build("item", PepHandler.NS).attr("id", id).child(payload).get()).get()).get())));
        Iq reply = (Iq) next(st -> st instanceof Iq && "pub".equals(st.id()));
        assertEquals(Iq.Type.RESULT, reply.type());
    }

    private Stanza next(Predicate<Stanza> wanted) {
        return UserEntityPepTest.next(routed, wanted);
    }
}
