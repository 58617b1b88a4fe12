package chorus.actors.mailbox;

import chorus.actors.ManualClock;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MailboxEntity}'s server notices ({@link MailboxNotices}): an admin's notice of an in-band registration waits
 * with the messages, its text only in a notice-store row that expires after its own retention.
 */
class MailboxNoticesTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final Instant T0 = MailboxEntityTest.T0;
    static final BareJid ROMEO = MailboxEntityTest.ROMEO;

    final ManualClock clock = new ManualClock(T0);
    final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    final TestProbe<SessionMessage> session = testKit.createTestProbe();
    final chorus.persistence.mailbox.InMemoryNoticeStore notices = new chorus.persistence.mailbox.InMemoryNoticeStore(clock);
    final MailboxSettings withNotices = new MailboxSettings(Duration.ofHours(72), 10, 10_000, Duration.ofMinutes(2), "",
        Duration.ofHours(24));
    final EventSourcedBehaviorTestKit<MailboxEntity.Command, MailboxEntity.Event, MailboxState> adminBox =
        EventSourcedBehaviorTestKit.create(testKit.system(), MailboxEntity.create("admin@example.org", withNotices,
            "example.org", clock, shard.getRef(), MailboxEntity.RowEraser.NONE, notices));

    static Message notice(String from, String text) {
        return new Message(new chorus.actors.xmpp.DomainJid(from), new BareJid("admin", "example.org"), null,
            Message.Type.CHAT, null, List.of(Element.build("body", Ns.CLIENT).text(text).get(),
            Element.of("no-store", Offline.HINTS), Offline.noticeMarker()));
    }

    MailboxEntity.StoreReply storeAtAdmin(Message m) {
        return adminBox.<MailboxEntity.StoreReply>runCommand(replyTo -> new MailboxEntity.Store(m, replyTo)).reply();
    }

    String noticeRows() {
        return notices.all("admin@example.org").toCompletableFuture().join().values().stream()
            .map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8)).reduce("", String::concat);
    }

    @Test
    void aServerNoticeWaitsWithTheMessagesButItsTextIsOnlyInItsOwnExpiringRow() {
        adminBox.clear();
        MailboxEntity.StoreReply first = adminBox.<MailboxEntity.StoreReply>runCommand(replyTo ->
            new MailboxEntity.Store(Message.chat(ROMEO.withResource("r"), new BareJid("admin", "example.org"), "1", "hi"),
                replyTo)).reply();
        assertInstanceOf(MailboxEntity.StoreReply.Stored.class, first);
        assertInstanceOf(MailboxEntity.StoreReply.Stored.class, storeAtAdmin(notice("example.org", "from 192.0.2.7")));
        assertTrue(noticeRows().contains("192.0.2.7"));
        // the journal (as a recovery reads it) knows the notice without its text
        MailboxState recovered = adminBox.restart().state();
        assertEquals(1, recovered.notices().size());
        assertTrue(!recovered.toString().contains("192.0.2.7") && !recovered.notices().get(0).toString().contains("192.0.2.7"));
        assertEquals(clock.now.plus(Duration.ofHours(24)), recovered.notices().get(0).expiresAt());

        adminBox.runCommand(new MailboxEntity.DeliverTo(new BareJid("admin", "example.org").withResource("a"),
            session.getRef()));
        SessionMessage.Offline page = session.expectMessageClass(SessionMessage.Offline.class);
        assertEquals(List.of("hi", "from 192.0.2.7"), page.messages().stream().map(Message::body).toList());
        adminBox.runCommand(new MailboxEntity.Forget(page.upToId()));
        assertEquals("", noticeRows(), "a delivered notice's row is deleted");
        assertTrue(adminBox.restart().state().notices().isEmpty());
    }

    @Test
    void aServerNoticeIsGoneAfterItsOwnRetentionWhileMessagesStay() {
        adminBox.clear();
        adminBox.<MailboxEntity.StoreReply>runCommand(replyTo -> new MailboxEntity.Store(
            Message.chat(ROMEO.withResource("r"), new BareJid("admin", "example.org"), "1", "stays"), replyTo));
        storeAtAdmin(notice("example.org", "from 192.0.2.8"));
        clock.now = T0.plus(Duration.ofHours(25));
        adminBox.runCommand(new MailboxEntity.DeliverTo(new BareJid("admin", "example.org").withResource("a"),
            session.getRef()));
        assertEquals(List.of("stays"), session.expectMessageClass(SessionMessage.Offline.class).messages().stream()
            .map(Message::body).toList());
        assertEquals("", noticeRows(), "the notice's row expired");
        assertTrue(adminBox.restart().state().notices().isEmpty(), "and its marker is dropped");
    }

    @Test
    void aNoticeFromAnotherDomainIsRefusedAndAClientCannotMakeOne() {
        adminBox.clear();
        assertEquals(new MailboxEntity.StoreReply.Refused("not-acceptable"), storeAtAdmin(notice("evil.example", "x")));
        Message forged = new Message(ROMEO.withResource("r"), new BareJid("admin", "example.org"), null, Message.Type.CHAT,
            null, List.of(Element.build("body", Ns.CLIENT).text("x").get(), Element.of("no-store", Offline.HINTS),
            Offline.noticeMarker()));
        assertTrue(!Offline.storable(forged), "a client's message with the marker and no-store is not stored");
        assertTrue(Offline.storable(notice("example.org", "x")));
        assertTrue(!chorus.actors.feature.mam.Archive.archivable(notice("example.org", "x")), "never archived");
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }
}
