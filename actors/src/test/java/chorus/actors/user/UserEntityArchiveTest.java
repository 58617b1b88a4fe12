package chorus.actors.user;

import chorus.actors.ManualClock;
import chorus.actors.diagnostics.DiagnosticsRecorder;
import chorus.actors.diagnostics.DiagnosticsSettings;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.mam.Archive;
import chorus.actors.feature.mam.ArchiveFeature;
import chorus.actors.feature.mam.ArchivePrefs;
import chorus.actors.feature.mam.MamHandler;
import chorus.actors.feature.mam.MamPrefs;
import chorus.actors.feature.mam.MamRequest;
import chorus.actors.feature.mam.MamSettings;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.metrics.NodeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.persistence.accounts.InMemoryAccountDirectory;
import chorus.persistence.archive.ArchiveStore;
import chorus.persistence.archive.ArchivedRow;
import chorus.persistence.archive.InMemoryArchiveStore;
import chorus.persistence.diagnostics.DeliveryFailure;
import chorus.persistence.diagnostics.InMemoryDiagnosticsStore;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0313 in the user's entity: opt-in archiving, stanza ids, queries and paging, limits, failures. */
class UserEntityArchiveTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final BareJid JULIET = UserEntityTest.JULIET;
    static final BareJid ROMEO = UserEntityTest.ROMEO;
    static final FullJid ORCHARD = ROMEO.withResource("orchard");

    final ManualClock clock = new ManualClock(UserEntityTest.NOW);
    final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    final TestProbe<MailboxEntity.Command> mailbox = testKit.createTestProbe();
    final TestProbe<SessionMessage> session = testKit.createTestProbe();
    final List<Stanza> routed = new java.util.concurrent.CopyOnWriteArrayList<>();
    final InMemoryDiagnosticsStore diagnostics = new InMemoryDiagnosticsStore();
    InMemoryArchiveStore store = new InMemoryArchiveStore(clock, Duration.ofHours(72));
    final NodeMetrics metrics = new NodeMetrics(new SimpleMeterRegistry());
    EventSourcedBehaviorTestKit<UserEntity.Command, AccountEvent, AccountState> juliet;
    FullJid me;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    void start(MamSettings settings, ArchiveStore archive) {
        juliet = EventSourcedBehaviorTestKit.create(testKit.system(), UserEntity.create(JULIET.toString(),
            new UserEntity.Deps(UserEntityTest.DOMAIN, routed::add,
                AccountFeatures.of(new ArchiveFeature(settings, archive, metrics)), clock, UserSettings.defaults(),
                new InMemoryAccountDirectory(), jid -> mailbox.getRef(),
                new DiagnosticsRecorder(diagnostics, clock, "test",
                    new DiagnosticsSettings(Duration.ofDays(7), Duration.ofDays(7), Duration.ofHours(1)))),
            shard.getRef()));
        juliet.clear();
        juliet.<UserEntity.AccountReply>runCommand(replyTo -> new UserEntity.CreateAccount(UserEntityTest.CREDS, replyTo));
        me = ((UserEntity.BindReply.Bound) juliet.<UserEntity.BindReply>runCommand(
            replyTo -> UserEntity.Bind.fresh("balcony", session.getRef(), true, replyTo)).reply()).jid();
        juliet.runCommand(new UserEntity.FromClient(Presence.of(me, null, Presence.Type.AVAILABLE)));
    }

    void startWithPrefs(MamSettings settings, ArchiveStore archive, MamPrefs.Mode mode) {
        start(settings, archive);
        juliet.runCommand(new UserEntity.FromClient(Iq.of(me, null, "p1", Iq.Type.SET,
            MamPrefs.of(mode).toElement())));
    }

    Message fromRomeo(String body) {
        clock.now = clock.now.plusMillis(10);
        return Message.chat(ORCHARD, JULIET, "m-" + body, body);
    }

    /** Delivers a message from Romeo and returns it as Juliet's session got it. */
    Message deliver(String body) {
        juliet.runCommand(new UserEntity.Deliver(fromRomeo(body)));
        return (Message) nextStanza(st -> st instanceof Message);
    }

    Stanza nextStanza(Predicate<Stanza> wanted) {
        for (int i = 0; i < 50; i++) {
            SessionMessage m = session.receiveMessage(Duration.ofSeconds(3));
            if (m instanceof SessionMessage.Deliver d && wanted.test(d.stanza())) {
                return d.stanza();
            }
        }
        throw new AssertionError("no such stanza");
    }

    List<ArchivedRow> rows() {
        return store.scan(JULIET.toString(), 0, Long.MAX_VALUE, false, w -> true, 1000).toCompletableFuture().join();
    }

    static String stanzaId(Message m) {
        return m.child("stanza-id", Archive.SID).map(e -> e.attr("id")).orElse(null);
    }

    Iq query(String id, Element... rsm) {
        Element.Builder q = Element.build("query", MamHandler.NS).attr("queryid", "q-" + id);
        q.child(DataForm.build("submit", MamHandler.NS).field("with", null, null, ROMEO.toString()).get());
        if (rsm.length > 0) {
            q.child(Element.build("set", MamRequest.RSM).children(List.of(rsm)).get());
        }
        return Iq.of(me, null, id, Iq.Type.SET, q.get());
    }

    static Element rsm(String name, String text) {
        return Element.build(name, MamRequest.RSM).text(text).get();
    }

    /** Runs a query; returns the bodies of the results, then the answer (last). */
    List<Stanza> run(Iq q) {
        juliet.runCommand(new UserEntity.FromClient(q));
        List<Stanza> out = new ArrayList<>();
        while (true) {
            Stanza st = nextStanza(s -> true);
            out.add(st);
            if (st instanceof Iq) {
                return out;
            }
        }
    }

    static List<String> bodies(List<Stanza> answer) {
        List<String> out = new ArrayList<>();
        for (Stanza st : answer) {
            if (st instanceof Message m) {
                Element fwd = m.child("result", MamHandler.NS).orElseThrow().child("forwarded", Archive.FORWARD).orElseThrow();
                out.add(fwd.child("message", "jabber:client").orElseThrow().childText("body", "jabber:client").orElseThrow());
            }
        }
        return out;
    }

    static Element fin(List<Stanza> answer) {
        return ((Iq) answer.get(answer.size() - 1)).payload().orElseThrow();
    }

    @Test
    void archivingIsOffByDefault() {
        start(MamSettings.defaults(), store);
        Message got = deliver("hello");
        assertNull(stanzaId(got));
        juliet.runCommand(new UserEntity.Sent(Message.chat(me, ORCHARD, "o1", "hi")));
        assertTrue(rows().isEmpty());
    }

    @Test
    void withPrefsAlwaysBothDirectionsAreArchivedOnceAndDeliveredWithTheirId() {
        startWithPrefs(MamSettings.defaults(), store, MamPrefs.Mode.ALWAYS);
        Message got = deliver("hello");
        juliet.runCommand(new UserEntity.Sent(Message.chat(me, ORCHARD, "o1", "hi")));
        juliet.runCommand(new UserEntity.Sent(Message.chat(me, JULIET, "self", "note to self")));
        List<ArchivedRow> rows = rows();
        assertEquals(2, rows.size());
        assertEquals(Long.toString(rows.get(0).id()), stanzaId(got));
        assertEquals(JULIET.toString(), got.child("stanza-id", Archive.SID).orElseThrow().attr("by"));
        assertEquals(ORCHARD.toString(), rows.get(0).with());
        assertEquals(ORCHARD.toString(), rows.get(1).with());
        assertEquals("hi", Archive.decode(rows.get(1).message()).body());
        awaitWrites("ok", 2);
        assertEquals(0, writes("failed"));
    }

    double writes(String result) {
        return metrics.registry().get("chorus.mam.writes").tag("result", result).counter().count();
    }

    void awaitWrites(String result, double n) {
        for (int i = 0; i < 100 && writes(result) < n; i++) {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertEquals(n, writes(result), "archive writes " + result);
    }

    @Test
    void aForgedStanzaIdIsRemovedAndHeadlinesAndNoStoreHintsAreNotArchived() {
        startWithPrefs(MamSettings.defaults(), store, MamPrefs.Mode.ALWAYS);
        Message forged = Message.chat(ORCHARD, JULIET, "f", "x").withChildren(List.of(
            Element.build("body", "jabber:client").text("x").get(),
            Element.build("stanza-id", Archive.SID).attr("by", JULIET.toString()).attr("id", "1").get(),
            Element.build("no-store", "urn:xmpp:hints").get()));
        juliet.runCommand(new UserEntity.Deliver(forged));
        Message got = (Message) nextStanza(st -> st instanceof Message);
        assertNull(stanzaId(got));
        Message headline = new Message(ORCHARD, JULIET, "h", Message.Type.HEADLINE, null,
            List.of(Element.build("body", "jabber:client").text("news").get()));
        juliet.runCommand(new UserEntity.Deliver(headline));
        nextStanza(st -> st instanceof Message);
        assertTrue(rows().isEmpty());
    }

    @Test
    void queriesPageForwardAndBackwardWithCompleteAndCount() {
        startWithPrefs(MamSettings.defaults(), store, MamPrefs.Mode.ALWAYS);
        for (int i = 1; i <= 5; i++) {
            deliver("m" + i);
        }
        List<Stanza> first = run(query("a", rsm("max", "2")));
        assertEquals(List.of("m1", "m2"), bodies(first));
        Element fin = fin(first);
        assertNull(fin.attr("complete"));
        Element set = fin.child("set", MamRequest.RSM).orElseThrow();
        assertEquals("5", set.childText("count", MamRequest.RSM).orElseThrow());
        String last = set.childText("last", MamRequest.RSM).orElseThrow();

        List<Stanza> rest = run(query("b", rsm("max", "10"), rsm("after", last)));
        assertEquals(List.of("m3", "m4", "m5"), bodies(rest));
        assertEquals("true", fin(rest).attr("complete"));

        List<Stanza> lastPage = run(query("c", rsm("max", "2"), Element.of("before", MamRequest.RSM)));
        assertEquals(List.of("m4", "m5"), bodies(lastPage));
        assertNull(fin(lastPage).attr("complete"));
        Message result = (Message) lastPage.get(0);
        assertEquals(me, result.to());
        assertEquals("q-c", result.child("result", MamHandler.NS).orElseThrow().attr("queryid"));
    }

    @Test
    void anUnknownRsmIdIsItemNotFoundAndABadFormIsBadRequest() {
        startWithPrefs(MamSettings.defaults(), store, MamPrefs.Mode.ALWAYS);
        deliver("m1");
        Iq unknown = (Iq) run(query("a", rsm("after", "12345"))).get(0);
        assertEquals(StanzaError.Condition.ITEM_NOT_FOUND, StanzaError.conditionOf(unknown));
        Iq bad = Iq.of(me, null, "b", Iq.Type.SET, Element.build("query", MamHandler.NS)
            .child(DataForm.build("submit", MamHandler.NS).field("start", null, null, "yesterday").get()).get());
        assertEquals(StanzaError.Condition.BAD_REQUEST, StanzaError.conditionOf(run(bad).get(0)));
    }

    @Test
    void aPageHoldsAtMostTheMaximumWhateverTheClientAsks() {
        MamSettings small = new MamSettings(MamPrefs.Mode.ALWAYS, Duration.ofHours(72), 2, 3, 100, 60);
        start(small, store);
        for (int i = 1; i <= 5; i++) {
            deliver("m" + i);
        }
        assertEquals(List.of("m1", "m2"), bodies(run(query("a"))));
        assertEquals(List.of("m1", "m2", "m3"), bodies(run(query("b", rsm("max", "1000")))));
    }

    @Test
    void theArchiveStopsAtMaxMessagesWhileDeliveryGoesOn() {
        MamSettings three = new MamSettings(MamPrefs.Mode.ALWAYS, Duration.ofHours(72), 50, 100, 3, 60);
        start(three, store);
        List<Message> got = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            got.add(deliver("m" + i));
        }
        assertEquals(3, rows().size());
        assertNull(stanzaId(got.get(4)));
        assertEquals("m5", got.get(4).body());
    }

    @Test
    void tooManyQueriesAreRefusedForAMinute() {
        MamSettings two = new MamSettings(MamPrefs.Mode.ALWAYS, Duration.ofHours(72), 50, 100, 100, 2);
        start(two, store);
        assertEquals(Iq.Type.RESULT, ((Iq) last(run(query("a")))).type());
        assertEquals(Iq.Type.RESULT, ((Iq) last(run(query("b")))).type());
        assertEquals(StanzaError.Condition.RESOURCE_CONSTRAINT, StanzaError.conditionOf(last(run(query("c")))));
        clock.now = clock.now.plusSeconds(61);
        assertEquals(Iq.Type.RESULT, ((Iq) last(run(query("d")))).type());
    }

    static Stanza last(List<Stanza> l) {
        return l.get(l.size() - 1);
    }

    @Test
    void aFailedWriteDoesNotStopDeliveryAndItsDiagnosticHoldsNoBody() {
        ArchiveStore failing = new ArchiveStore() {
            @Override
            public CompletionStage<Void> append(ArchivedRow row) {
                return CompletableFuture.failedFuture(new IllegalStateException("disk on fire"));
            }

            @Override
            public CompletionStage<List<ArchivedRow>> scan(String owner, long lo, long hi, boolean descending,
                                                           Predicate<String> with, int limit) {
                return store.scan(owner, lo, hi, descending, with, limit);
            }

            @Override
            public CompletionStage<Integer> count(String owner, long lo, long hi, Predicate<String> with) {
                return store.count(owner, lo, hi, with);
            }

            @Override
            public CompletionStage<Boolean> contains(String owner, long id) {
                return store.contains(owner, id);
            }

            @Override
            public CompletionStage<java.util.Optional<ArchivedRow>> one(String owner, long id) {
                return store.one(owner, id);
            }

            @Override
            public CompletionStage<Void> rewrite(ArchivedRow row, Duration remaining) {
                return store.rewrite(row, remaining);
            }

            @Override
            public CompletionStage<Void> erase(String owner) {
                return store.erase(owner);
            }
        };
        start(new MamSettings(MamPrefs.Mode.ALWAYS, Duration.ofHours(72), 50, 100, 100, 60), failing);
        Message got = deliver("secret words");
        assertEquals("secret words", got.body());
        List<DeliveryFailure> records = awaitRecords();
        assertEquals(1, records.size());
        assertEquals("internal-server-error", records.get(0).condition());
        assertFalse(records.get(0).toString().contains("secret"));
        awaitWrites("failed", 1);
        assertEquals(0, writes("ok"));
    }

    List<DeliveryFailure> awaitRecords() {
        for (int i = 0; i < 100; i++) {
            List<DeliveryFailure> r = diagnostics.query(Instant.EPOCH, null, 10).toCompletableFuture().join();
            if (!r.isEmpty()) {
                return r;
            }
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no diagnostic recorded");
    }

    @Test
    void prefsPersistAndRemovingTheAccountErasesTheArchive() {
        startWithPrefs(MamSettings.defaults(), store, MamPrefs.Mode.ROSTER);
        assertEquals(MamPrefs.Mode.ROSTER, juliet.restart().state().slice(ArchivePrefs.KEY).prefs().mode());
        me = ((UserEntity.BindReply.Bound) juliet.<UserEntity.BindReply>runCommand(
            replyTo -> UserEntity.Bind.fresh("balcony", session.getRef(), true, replyTo)).reply()).jid();
        juliet.runCommand(new UserEntity.FromClient(Presence.of(me, null, Presence.Type.AVAILABLE)));
        store.append(new ArchivedRow(JULIET.toString(), 1, clock.instant(), ORCHARD.toString(), new byte[0]));
        assertNull(stanzaId(deliver("not a contact")));
        assertEquals(1, rows().size());
        juliet.<UserEntity.AccountReply>runCommand(UserEntity.RemoveAccount::new);
        assertTrue(rows().isEmpty());
    }
}
