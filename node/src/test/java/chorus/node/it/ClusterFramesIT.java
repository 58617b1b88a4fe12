package chorus.node.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import chorus.actors.mailbox.MailboxEntity;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages between the nodes of a two-node cluster that grow with user data stay within Artery's frame:
 * a full mailbox (as many offline messages as its limits allow, about 10 MiB) on one node reaches its
 * user's session on the other node whole, in pages that each fit a frame; a roster of thousands of
 * contacts reaches a session on the node that does not hold the account, in frames. No message between
 * the nodes is dropped as oversized (Artery would drop it, and publish {@link Dropped}, which this test
 * watches for on both nodes, and shows it would notice).
 */
class ClusterFramesIT {
    static TwoNodes nodes;
    static TestNode a;
    static TestNode b;
    static final List<String> oversized = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startTwoNodes() throws Exception {
        // The senders here fill a mailbox (10 MB) as fast as they can; the per-session rate (StanzaRateIT) would
        // spread that over minutes.
        nodes = TwoNodes.start(Map.of("chorus.roster.max-items", 3000,
            "chorus.c2s.rate.stanzas-per-second", "0", "chorus.c2s.rate.bytes-per-second", "0"));
        a = nodes.a;
        b = nodes.b;
        watchOversized(a.node().system());
        watchOversized(b.node().system());
        int frame = a.config().getBytes("pekko.remote.artery.advanced.maximum-frame-size").intValue();
        // The watch can fail: a message larger than the frame between the nodes is seen as dropped.
        awaitLong(() -> {
            sendOversized(frame);
            return !oversized.isEmpty();
        }, "an oversized message between the nodes is noticed");
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
        // (the probes of the start went to sinks; the last of them may have been dropped late)
        assertEquals(List.of(), oversized.stream().filter(r -> !r.contains("/system/sink-")).toList(),
            "messages dropped between the nodes as oversized");
    }

    /** Artery drops a message larger than its frame and publishes it as Dropped: collected here. */
    static void watchOversized(ActorSystem<?> system) {
        ActorRef<Dropped> watcher = system.systemActorOf(Behaviors.receive(Dropped.class).onMessage(Dropped.class, d -> {
            if (d.reason().contains("oversized")) {
                oversized.add(d.reason());
            }
            return Behaviors.same();
        }).build(), "oversized-watcher-" + System.nanoTime(), org.apache.pekko.actor.typed.Props.empty());
        system.eventStream().tell(new EventStream.Subscribe<>(Dropped.class, watcher));
    }

    static void awaitLong(MessagingIT.Check check, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && !check.ok()) {
            Thread.sleep(100);
        }
        assertTrue(check.ok(), what);
    }

    /** Which node's region holds this entity now. */
    static <T> boolean holds(TestNode n, String typeName, String entityId) throws Exception {
        ActorSystem<?> system = n.node().system();
        ShardRegion.CurrentShardRegionState state = AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetShardRegionState(org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey.create(
                MailboxEntity.Command.class, typeName), replyTo),
            Duration.ofSeconds(10), system.scheduler()).toCompletableFuture().get();
        return state.getShards().stream().anyMatch(s -> s.getEntityIds().contains(entityId));
    }

    @Test
    void aFullMailboxOnOneNodeReachesASessionOnTheOtherWhole() throws Exception {
        Logger pages = (Logger) LoggerFactory.getLogger("chorus.actors.mailbox.OfflinePages");
        ListAppender<ILoggingEvent> pageLog = new ListAppender<>();
        pageLog.start();
        pages.addAppender(pageLog);
        pages.setLevel(Level.DEBUG);

        int frame = a.config().getBytes("pekko.remote.artery.advanced.maximum-frame-size").intValue();
        a.createUser("alice", "pw-alice");
        a.createUser("bob", "pw-bob");
        XMPPTCPConnection alice = Clients.login(a, "alice", "pw-alice", "a");
        StanzaCollector errors = alice.createStanzaCollector(new StanzaTypeFilter(Message.class));
        int limit = a.config().getInt("chorus.offline.max-messages");
        long maxBytes = a.config().getBytes("chorus.offline.max-bytes");
        int bodyChars = (int) (maxBytes / limit) - 400;
        Map<String, Integer> sent = new HashMap<>();
        long sentChars = 0;
        int total = limit + 10;
        for (int i = 0; i < total; i++) {
            String body = "m" + i + " " + "x".repeat(bodyChars);
            sent.put("m" + i, body.hashCode());
            sentChars += body.length();
            alice.sendStanza(StanzaBuilder.buildMessage("m" + i).to(JidCreate.entityBareFrom("bob@chorus.test"))
                .ofType(Message.Type.chat).setBody(body).build());
        }
        // The mailbox takes what its limits allow and refuses the rest with an error to the sender.
        List<String> refused = new ArrayList<>();
        Map<String, Integer> why = new java.util.TreeMap<>();
        // At least total - limit are refused; on a loaded machine the mailbox may take longer than the quiet
        // 15 s to store the first thousand, so the test waits for those (up to 3 minutes), then for quiet.
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            Message e = (Message) errors.nextResult(15_000);
            if (e == null) {
                if (refused.size() >= total - limit || System.nanoTime() > deadline) {
                    break;
                }
                continue;
            }
            if (e.getType() == Message.Type.error) {
                refused.add(e.getStanzaId());
                why.merge(String.valueOf(e.getError() == null ? null : e.getError().getCondition()), 1, Integer::sum);
            }
        }
        alice.disconnect();
        int stored = total - refused.size();
        assertTrue(stored >= limit - 50 && stored <= limit, stored + " stored of " + total + ", refused: " + why);

        // Bob's session goes to the node that does not hold his mailbox.
        TestNode mailboxNode = holds(a, "Mailbox", "bob@chorus.test") ? a : b;
        TestNode sessionNode = mailboxNode == a ? b : a;
        assertTrue(holds(mailboxNode, "Mailbox", "bob@chorus.test"));
        assertFalse(holds(sessionNode, "Mailbox", "bob@chorus.test"));

        pageLog.list.clear();
        XMPPTCPConnection bob = new XMPPTCPConnection(Clients.config(sessionNode, "bob", "pw-bob").setResource("b")
            .setSendPresence(false).build());
        bob.setReplyTimeout(10_000);
        bob.connect().login();
        StanzaCollector inbox = bob.createStanzaCollector(new StanzaTypeFilter(Message.class));
        long start = System.nanoTime();
        bob.sendStanza(StanzaBuilder.buildPresence().build());
        List<String> got = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < stored; i++) {
            Message m = inbox.nextResult(30_000);
            assertNotNull(m, "offline message " + (i + 1) + " of " + stored + " did not arrive");
            got.add(m.getStanzaId());
            assertEquals(sent.get(m.getStanzaId()), m.getBody().hashCode(), "the text of " + m.getStanzaId());
            bytes += m.getBody().length();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            if (!refused.contains("m" + i)) {
                expected.add("m" + i);
            }
        }
        assertEquals(expected, got, "every stored message, in order, once");
        assertEquals(null, inbox.nextResult(1_000), "nothing twice");
        bob.disconnect();
        pages.detachAppender(pageLog);
        long pageCount = pageLog.list.stream().filter(ev -> ev.getFormattedMessage().startsWith("offline page")).count();
        System.out.printf("mailbox hand-over across nodes: %d messages stored of %d sent (%d refused), %d body chars "
                + "(%.1f MiB) sent, %d chars delivered in %d ms, %d pages (frame %d bytes)%n", stored, total,
            refused.size(), sentChars, sentChars / 1048576.0, bytes, ms, pageCount, frame);
        assertTrue(pageCount > 10, pageCount + " pages");
        assertEquals(List.of(), oversized.stream().filter(r -> !r.contains("/system/sink-")).toList(),
            "messages dropped between the nodes as oversized");
    }

    /**
     * A roster of 2,500 contacts with long names and groups (several MiB as one IQ result) reaches a session
     * on the node that does not hold the account's entity, in frames; a push follows it.
     */
    @Test
    void aRosterOfThousandsOfContactsReachesASessionOnTheOtherNode() throws Exception {
        a.createUser("carol", "pw-carol");
        // The account's entity starts where sharding puts it; the session goes to the other node.
        XMPPTCPConnection writer = new XMPPTCPConnection(Clients.config(a, "carol", "pw-carol").setResource("writer").build());
        org.jivesoftware.smack.roster.Roster.getInstanceFor(writer).setRosterLoadedAtLogin(false);
        writer.setReplyTimeout(60_000);
        writer.connect().login();
        TestNode entityNode = holds(a, "User", "carol@chorus.test") ? a : b;
        TestNode sessionNode = entityNode == a ? b : a;
        int contacts = 2500;
        String name = "n".repeat(900);
        for (int i = 0; i <= contacts; i++) {
            RosterPacket set = new RosterPacket();
            set.setType(IQ.Type.set);
            RosterPacket.Item item = new RosterPacket.Item(JidCreate.entityBareFrom("contact" + i + "@example.net"), name);
            for (int g = 0; g < 3; g++) {
                item.addGroupName("group " + g + " " + "g".repeat(200));
            }
            set.addRosterItem(item);
            if (i % 20 != 0 && i < contacts) {
                writer.sendStanza(set);
            } else {
                // Sets are answered in order: once this one is, the ones before it are in the roster (and the
                // next twenty do not wait behind thousands for their answers: the session answers an IQ it has not
                // heard back about within 10 s with an error, and each set writes an event, and every 50 a snapshot).
                writer.createStanzaCollectorAndSend(set).nextResultOrThrow(60_000);
            }
        }
        writer.disconnect();

        XMPPTCPConnection reader = new XMPPTCPConnection(Clients.config(sessionNode, "carol", "pw-carol").setResource("reader")
            .build());
        reader.setReplyTimeout(60_000);
        org.jivesoftware.smack.roster.Roster.getInstanceFor(reader).setRosterLoadedAtLogin(false);
        reader.connect().login();
        long start = System.nanoTime();
        RosterPacket result = reader.createStanzaCollectorAndSend(new RosterPacket()).nextResultOrThrow(60_000);
        long ms = (System.nanoTime() - start) / 1_000_000;
        int items = result.getRosterItemCount();
        long chars = result.toXML().length();
        reader.disconnect();
        System.out.printf("roster across nodes: %d items, %d characters of XML in one result, %d ms%n", items, chars, ms);
        assertEquals(contacts + 1, items);
        assertTrue(chars > 2 * frame(), "the result is larger than a frame: " + chars);
    }

    static int frame() {
        return a.config().getBytes("pekko.remote.artery.advanced.maximum-frame-size").intValue();
    }

    /** A message to a session on the other node larger than any frame: Artery must drop it. */
    static void sendOversized(int frame) {
        ActorRef<chorus.actors.session.SessionMessage> remote = b.node().system().systemActorOf(
            Behaviors.ignore(), "sink-" + System.nanoTime(), org.apache.pekko.actor.typed.Props.empty());
        String path = org.apache.pekko.actor.typed.ActorRefResolver.get(b.node().system()).toSerializationFormat(remote);
        ActorRef<chorus.actors.session.SessionMessage> there =
            org.apache.pekko.actor.typed.ActorRefResolver.get(a.node().system()).resolveActorRef(path);
        there.tell(new chorus.actors.session.SessionMessage.Deliver(chorus.actors.xmpp.Message.chat(
            new chorus.actors.xmpp.BareJid("probe", "chorus.test"), new chorus.actors.xmpp.BareJid("nobody", "chorus.test"),
            "big", "y".repeat(frame + 1))));
    }
}
