package chorus.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The plugin journals and snapshots into the tables Schema created, with auto-creation off. */
@ExtendWith(RunningCassandra.class)
class PekkoPersistenceIT {
    static final String KEYSPACE = RunningCassandra.keyspaceFor(PekkoPersistenceIT.class);
    static final Duration WAIT = Duration.ofSeconds(30);
    static CqlSession session;
    static ActorTestKit testKit;

    @BeforeAll
    static void applySchemaAndStartPekko() {
        CassandraSettings settings = RunningCassandra.settings(KEYSPACE);
        session = RunningCassandra.session(settings);
        Schema.of(settings).apply(session);
        Config config = ConfigFactory.load(CassandraSessions.pekkoOverrides(settings)
                .withFallback(ConfigFactory.parseString("""
                        pekko.persistence.journal.plugin = "pekko.persistence.cassandra.journal"
                        pekko.persistence.snapshot-store.plugin = "pekko.persistence.cassandra.snapshot"
                        """)));
        testKit = ActorTestKit.create("PekkoPersistenceIT", config);
    }

    @AfterAll
    static void stop() {
        if (testKit != null) {
            testKit.shutdownTestKit();
        }
        if (session != null) {
            session.execute("DROP KEYSPACE IF EXISTS " + KEYSPACE);
            session.close();
        }
    }

    /** A counter: each Add persists its amount as an event; a snapshot every two events. */
    static final class Counter extends EventSourcedBehavior<Counter.Add, Integer, Integer> {
        record Add(int amount, ActorRef<Integer> replyTo) {}

        static Behavior<Add> create(String id) {
            return new Counter(PersistenceId.ofUniqueId(id));
        }

        private Counter(PersistenceId id) {
            super(id);
        }

        @Override
        public Integer emptyState() {
            return 0;
        }

        @Override
        public CommandHandler<Add, Integer, Integer> commandHandler() {
            return newCommandHandlerBuilder().forAnyState()
                    .onCommand(Add.class, (state, add) -> Effect().persist(add.amount())
                            .thenReply(add.replyTo(), total -> total))
                    .build();
        }

        @Override
        public EventHandler<Integer, Integer> eventHandler() {
            return newEventHandlerBuilder().forAnyState().onEvent(Integer.class, Integer::sum).build();
        }

        @Override
        public RetentionCriteria retentionCriteria() {
            return RetentionCriteria.snapshotEvery(2, 1);
        }
    }

    @Test
    void eventsAndSnapshotsSurviveTheActorAndLandInChorusKeyspace() {
        TestProbe<Integer> probe = testKit.createTestProbe();
        ActorRef<Counter.Add> counter = testKit.spawn(Counter.create("counter-1"));
        for (int amount : List.of(5, 7, 11)) {
            counter.tell(new Counter.Add(amount, probe.ref()));
        }
        assertEquals(List.of(5, 12, 23), List.of(probe.receiveMessage(WAIT), probe.receiveMessage(WAIT),
                probe.receiveMessage(WAIT)));
        testKit.stop(counter, WAIT);

        ActorRef<Counter.Add> recovered = testKit.spawn(Counter.create("counter-1"));
        recovered.tell(new Counter.Add(1, probe.ref()));
        assertEquals(24, probe.receiveMessage(WAIT));

        List<Long> sequenceNumbers = session.execute("SELECT sequence_nr FROM " + KEYSPACE
                        + ".messages WHERE persistence_id = 'counter-1' AND partition_nr = 0").all().stream()
                .map(r -> r.getLong("sequence_nr")).toList();
        assertEquals(List.of(1L, 2L, 3L, 4L), sequenceNumbers);
        assertTrue(session.execute("SELECT sequence_nr FROM " + KEYSPACE
                + ".snapshots WHERE persistence_id = 'counter-1'").all().size() >= 1);
    }
}
