package chorus.actors.user;

import chorus.actors.account.Credentials;
import chorus.actors.account.ScramCredentials;
import chorus.actors.account.ScramHash;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.AccountSlice;
import chorus.actors.feature.blocking.BlockList;
import chorus.actors.feature.blocking.BlocklistChanged;
import chorus.actors.feature.last.LastSeen;
import chorus.actors.feature.last.WentOffline;
import chorus.actors.feature.mam.ArchivePrefs;
import chorus.actors.feature.mam.MamPrefs;
import chorus.actors.feature.mam.MamPrefsSet;
import chorus.actors.feature.pep.PepConfig;
import chorus.actors.feature.pep.PepEvent;
import chorus.actors.feature.pep.PepItem;
import chorus.actors.feature.pep.PepNode;
import chorus.actors.feature.pep.PepNodes;
import chorus.actors.feature.privatedata.PrivateStore;
import chorus.actors.feature.privatedata.PrivateStored;
import chorus.actors.feature.roster.Roster;
import chorus.actors.feature.roster.RosterItem;
import chorus.actors.feature.roster.Subscription;
import chorus.actors.feature.vcard.StoredVCard;
import chorus.actors.feature.vcard.VCardStored;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;
import chorus.persistence.accounts.InMemoryAccountDirectory;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.testkit.SnapshotMeta;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What journals and snapshots written before features had slices hold still reads back as the same account: the
 * feature events (one of them, WentOffline, under its old class name) and a snapshot of the one-record state.
 * The fixtures were written by the code before the change (commit 9806de6).
 */
class AccountStateCompatibilityTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final Instant AT = UserEventFixtures.AT;
    static final Element VCARD = Element.build("vCard", "vcard-temp").textChild("FN", "vcard-temp", "Juliet Capulet").get();
    static final Element BOOKMARKS = Element.build("storage", "storage:bookmarks")
        .child(Element.build("conference", "storage:bookmarks").attr("jid", "garden@conference.example.org").get()).get();
    static final PepConfig CONFIG = new PepConfig("presence", 3, "on_sub_and_presence");
    static final PepItem TUNE = new PepItem("t1", Element.build("tune", "http://jabber.org/protocol/tune")
        .textChild("artist", "http://jabber.org/protocol/tune", "Yes").get());
    static final MamPrefs PREFS = new MamPrefs(MamPrefs.Mode.ROSTER, List.of(Jid.parse("romeo@example.org")),
        List.of(Jid.parse("tybalt@example.org")));

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    static Serialization serialization() {
        return SerializationExtension.get(testKit.system().classicSystem());
    }

    static List<Object> read(String fixture) throws Exception {
        List<Object> out = new ArrayList<>();
        try (InputStream in = AccountStateCompatibilityTest.class.getClassLoader().getResourceAsStream(fixture)) {
            assertNotNull(in, fixture);
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    String[] parts = line.trim().split(" ");
                    out.add(serialization().deserialize(Base64.getDecoder().decode(parts[2]),
                        Integer.parseInt(parts[0]), parts[1]).get());
                }
            }
        }
        return out;
    }

    static Credentials credentials() {
        return new Credentials(
            ScramCredentials.derive(ScramHash.SHA_1, "fixture password", UserEventFixtures.SALT1, 4096),
            ScramCredentials.derive(ScramHash.SHA_256, "fixture password", UserEventFixtures.SALT256, 4096));
    }

    /** The account the legacy snapshot holds, as slices. */
    static AccountState legacyAccount() {
        RosterItem romeo = RosterItem.of(new BareJid("romeo", "example.org")).withName("Romeo")
            .withGroups(List.of("Montagues")).withState(Subscription.BOTH, false, false);
        Map<String, PepNode> pep = new LinkedHashMap<>();
        pep.put("http://jabber.org/protocol/tune", new PepNode(CONFIG, List.of(TUNE)));
        pep.put("urn:xmpp:avatar:data", new PepNode(PepConfig.DEFAULT, List.of()));
        Map<String, AccountSlice> slices = Map.of(
            StoredVCard.KEY.name(), new StoredVCard(VCARD),
            PrivateStore.KEY.name(), new PrivateStore(Map.of("{storage:bookmarks}storage", BOOKMARKS)),
            BlockList.KEY.name(), new BlockList(List.of(Jid.parse("tybalt@example.org"))),
            LastSeen.KEY.name(), new LastSeen(AT),
            PepNodes.KEY.name(), new PepNodes(pep),
            ArchivePrefs.KEY.name(), new ArchivePrefs(PREFS));
        return new AccountState(credentials(), Roster.empty().put(romeo), slices);
    }

    @Test
    void featureEventsWrittenBeforeTheRedesignReadBackAsTheirFeaturesEvents() throws Exception {
        List<Object> expected = List.of(
            new WentOffline(AT),
            new VCardStored(VCARD),
            new PrivateStored("{storage:bookmarks}storage", BOOKMARKS),
            new BlocklistChanged(List.of(Jid.parse("tybalt@example.org"), Jid.parse("example.net"))),
            new PepEvent.Published("http://jabber.org/protocol/tune", CONFIG, TUNE),
            new PepEvent.Created("urn:xmpp:avatar:data", PepConfig.DEFAULT),
            new PepEvent.Configured("http://jabber.org/protocol/tune", new PepConfig("open", 2, "never")),
            new PepEvent.Retracted("http://jabber.org/protocol/tune", "t0"),
            new PepEvent.Purged("urn:xmpp:avatar:data"),
            new PepEvent.Deleted("urn:xmpp:avatar:data"),
            new MamPrefsSet(PREFS));
        assertEquals(expected, read("fixtures/user-events-v2.txt"));
    }

    @Test
    void aSnapshotOfTheOneRecordStateBecomesTheSameAccountWithSlices() throws Exception {
        Object legacy = read("fixtures/user-snapshot-v1.txt").get(0);
        assertInstanceOf(LegacyUserState.class, legacy);
        assertEquals(legacyAccount(), ((LegacyUserState) legacy).toState());
    }

    @Test
    void anAccountStateRoundTripsThroughItsSerializerWithEverySlice() {
        AccountState state = legacyAccount();
        byte[] bytes = serialization().serialize(state).get();
        assertEquals(AccountStateSerializer.IDENTIFIER, serialization().findSerializerFor(state).identifier());
        assertEquals(state, serialization().deserialize(bytes, AccountStateSerializer.IDENTIFIER,
            AccountStateSerializer.MANIFEST).get());
    }

    @Test
    void anEntityRecoversFromALegacySnapshotAndTheEventsAfterIt() throws Exception {
        TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
        TestProbe<MailboxEntity.Command> mailbox = testKit.createTestProbe();
        EventSourcedBehaviorTestKit<UserEntity.Command, AccountEvent, AccountState> juliet =
            EventSourcedBehaviorTestKit.create(testKit.system(), UserEntity.create("juliet@example.org",
                new UserEntity.Deps(UserEntityTest.DOMAIN, st -> { }, AccountFeatures.of(),
                    Clock.fixed(AT.plus(Duration.ofDays(1)), ZoneOffset.UTC), UserSettings.defaults(),
                    new InMemoryAccountDirectory(), jid -> mailbox.getRef(), DeliveryFailures.NONE),
                shard.getRef()));
        juliet.clear();
        Object legacy = read("fixtures/user-snapshot-v1.txt").get(0);
        juliet.snapshotTestKit().orElseThrow().persistForRecovery("User|juliet@example.org",
            List.of(Pair.create(new SnapshotMeta(3, 0), legacy)));
        juliet.persistenceTestKit().persistForRecovery("User|juliet@example.org",
            List.of(new UserEntity.AccountCreated(credentials(), AT), new VCardStored(VCARD), new WentOffline(AT),
                new VCardStored(Element.of("vCard", "vcard-temp"))));
        AccountState after = juliet.restart().state();
        assertTrue(after.credentials().verifyPlain("fixture password"));
        assertEquals(legacyAccount().slice(PepNodes.KEY), after.slice(PepNodes.KEY));
        assertEquals(new StoredVCard(null), after.slice(StoredVCard.KEY), "the event after the snapshot cleared the vCard");
    }
}
