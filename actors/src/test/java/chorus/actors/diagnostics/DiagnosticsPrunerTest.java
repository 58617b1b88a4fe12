package chorus.actors.diagnostics;

import chorus.actors.ManualClock;
import chorus.persistence.diagnostics.DeliveryFailure;
import chorus.persistence.diagnostics.InMemoryDiagnosticsStore;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DiagnosticsPrunerTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final Instant NOW = Instant.parse("2026-05-20T12:00:00Z");
    static final LocalDate TODAY = LocalDate.parse("2026-05-20");

    final ManualClock clock = new ManualClock(NOW);
    final InMemoryDiagnosticsStore store = new InMemoryDiagnosticsStore();
    final DiagnosticsSettings settings = new DiagnosticsSettings(Duration.ofDays(7), Duration.ofDays(7), Duration.ofHours(1));
    final EventSourcedBehaviorTestKit<DiagnosticsPruner.Command, DiagnosticsPruner.Event, DiagnosticsPruner.State> pruner =
        EventSourcedBehaviorTestKit.create(testKit.system(), DiagnosticsPruner.create(store, settings, clock));

    @BeforeEach
    void clean() {
        pruner.clear();
        clock.now = NOW;
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    void recordOn(LocalDate day) {
        store.record(new DeliveryFailure(day.atTime(10, 0).toInstant(java.time.ZoneOffset.UTC), "a@x", "b@x", "message",
            "chat", "service-unavailable", "node1"));
    }

    Set<LocalDate> days() {
        return store.days().toCompletableFuture().join();
    }

    void checkAndWait() {
        TestProbe<DiagnosticsPruner.Ran> probe = testKit.createTestProbe();
        pruner.runCommand(DiagnosticsPruner.Check.INSTANCE);
        // A due run persists Ran; give the asynchronous prune its moment.
        probe.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void recordsOfDayMinus8AreGoneAndDayMinus6IsKept() {
        recordOn(TODAY.minusDays(8));
        recordOn(TODAY.minusDays(6));
        recordOn(TODAY);
        checkAndWait();
        assertEquals(Set.of(TODAY.minusDays(6), TODAY), days());
        assertEquals(NOW, pruner.getState().lastRun());
    }

    @Test
    void aRestartedPrunerDoesNotRunEarly() {
        checkAndWait();
        assertEquals(NOW, pruner.getState().lastRun());
        recordOn(TODAY.minusDays(8));
        pruner.restart();
        clock.now = NOW.plus(Duration.ofDays(3));
        checkAndWait();
        assertEquals(Set.of(TODAY.minusDays(8)), days(), "the pruner ran before its week was over");
    }

    @Test
    void aRestartedPrunerDoesNotSkipAnOverdueRun() {
        checkAndWait();
        recordOn(TODAY.minusDays(1));
        pruner.restart();
        clock.now = NOW.plus(Duration.ofDays(9));
        checkAndWait();
        assertEquals(Set.of(), days(), "the overdue run was skipped");
        assertEquals(NOW.plus(Duration.ofDays(9)), pruner.getState().lastRun());
    }

    @Test
    void runningTwiceDoesNoHarm() {
        recordOn(TODAY.minusDays(10));
        recordOn(TODAY.minusDays(2));
        TestProbe<DiagnosticsPruner.Ran> probe = testKit.createTestProbe();
        pruner.runCommand(new DiagnosticsPruner.RunNow(probe.getRef()));
        assertEquals(java.util.List.of(TODAY.minusDays(10)), probe.receiveMessage().dropped());
        pruner.runCommand(new DiagnosticsPruner.RunNow(probe.getRef()));
        assertEquals(java.util.List.of(), probe.receiveMessage().dropped());
        assertEquals(Set.of(TODAY.minusDays(2)), days());
    }
}
