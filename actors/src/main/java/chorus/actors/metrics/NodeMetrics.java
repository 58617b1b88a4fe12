package chorus.actors.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The meters a node records, made once from the node's one registry and passed to whoever records.
 * Every label value comes from an enum of this class, so no label can ever hold an address or a JID.
 * Each recording is one call: {@code metrics.stanzaIn(StanzaKind.MESSAGE)}.
 *
 * <p>Where each is recorded: stanzas in the client session's intake and output, routing latency in the session's
 * end-to-end acknowledgement of its messages, offline messages in the mailbox, archive writes in the archive feature,
 * journal failures where every entity's journal back-off restarts it ({@code JournaledEntity}); logins in the SASL
 * phase and s2s streams where those streams run.
 */
public final class NodeMetrics {
    /** The transport a client session runs over. */
    public enum Transport { TCP, WEBSOCKET, BOSH }

    /** The outcome of a SASL exchange: success or the RFC 6120 §6.5 failure condition. */
    public enum LoginOutcome {
        SUCCESS, NOT_AUTHORIZED, ABORTED, MALFORMED_REQUEST, INVALID_MECHANISM, MECHANISM_TOO_WEAK,
        ENCRYPTION_REQUIRED, ACCOUNT_DISABLED, CREDENTIALS_EXPIRED, INCORRECT_ENCODING, INVALID_AUTHZID,
        TEMPORARY_AUTH_FAILURE;

        /** The condition's element name as RFC 6120 writes it; unknown names count as not-authorized. */
        public static LoginOutcome ofCondition(String condition) {
            try {
                return valueOf(condition.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException | NullPointerException e) {
                return NOT_AUTHORIZED;
            }
        }
    }

    /** The three stanza kinds of RFC 6120 §8. */
    public enum StanzaKind { MESSAGE, PRESENCE, IQ }

    /** Which way a server-to-server stream runs. */
    public enum Direction { INBOUND, OUTBOUND }

    /** The sharded, event-sourced entity types. */
    public enum EntityType { USER, MAILBOX, ROOM, PUBSUB }

    private final MeterRegistry registry;
    private final Map<LoginOutcome, Counter> logins = new EnumMap<>(LoginOutcome.class);
    private final Map<StanzaKind, Counter> stanzasIn = new EnumMap<>(StanzaKind.class);
    private final Map<StanzaKind, Counter> stanzasOut = new EnumMap<>(StanzaKind.class);
    private final Map<Direction, AtomicInteger> s2sStreams = new EnumMap<>(Direction.class);
    private final Map<EntityType, Counter> journalFailures = new EnumMap<>(EntityType.class);
    private final Timer routing;
    private final Counter offlineStored;
    private final Counter offlineDelivered;
    private final Counter mamWrites;
    private final Counter mamWriteFailures;

    public NodeMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (LoginOutcome o : LoginOutcome.values()) {
            logins.put(o, Counter.builder("chorus.logins").description("SASL exchanges by outcome")
                .tag("outcome", label(o)).register(registry));
        }
        for (StanzaKind k : StanzaKind.values()) {
            stanzasIn.put(k, Counter.builder("chorus.stanzas").description("stanzas received from and sent to clients")
                .tag("direction", "in").tag("kind", label(k)).register(registry));
            stanzasOut.put(k, Counter.builder("chorus.stanzas").description("stanzas received from and sent to clients")
                .tag("direction", "out").tag("kind", label(k)).register(registry));
        }
        for (Direction d : Direction.values()) {
            AtomicInteger n = new AtomicInteger();
            s2sStreams.put(d, n);
            Gauge.builder("chorus.s2s.streams", n, AtomicInteger::get).description("open server-to-server streams")
                .tag("direction", label(d)).register(registry);
        }
        for (EntityType t : EntityType.values()) {
            journalFailures.put(t, Counter.builder("chorus.journal.failures")
                .description("journal writes or recoveries that failed").tag("entity", label(t)).register(registry));
        }
        routing = Timer.builder("chorus.routing.latency")
            .description("from a client's message reaching its session to the recipient's side taking it "
                + "(written to the recipient's connection, stored offline or bounced), as the sending session hears it")
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        offlineStored = Counter.builder("chorus.offline.stored").description("messages stored for offline users")
            .register(registry);
        offlineDelivered = Counter.builder("chorus.offline.delivered")
            .description("stored messages handed over to a returning user").register(registry);
        mamWrites = Counter.builder("chorus.mam.writes").description("messages written to users' archives")
            .tag("result", "ok").register(registry);
        mamWriteFailures = Counter.builder("chorus.mam.writes").description("messages written to users' archives")
            .tag("result", "failed").register(registry);
    }

    /** Meters that go nowhere, for tests and tools that run no node. */
    public static NodeMetrics discarding() {
        return new NodeMetrics(new SimpleMeterRegistry());
    }

    /** The registry, for node-level meters (JVM, Cassandra driver, cluster gauges). */
    public MeterRegistry registry() {
        return registry;
    }

    /** Bound client sessions of one transport, read when scraped. */
    public void sessions(Transport transport, IntSupplier count) {
        // Micrometer holds a gauge's object weakly; the supplier is often a lambda no one else holds.
        Gauge.builder("chorus.sessions", count, c -> c.getAsInt()).description("bound client sessions on this node")
            .tag("transport", label(transport)).strongReference(true).register(registry);
    }

    public void login(LoginOutcome outcome) {
        logins.get(outcome).increment();
    }

    public void stanzaIn(StanzaKind kind) {
        stanzasIn.get(kind).increment();
    }

    public void stanzaOut(StanzaKind kind) {
        stanzasOut.get(kind).increment();
    }

    public void routed(Duration latency) {
        routing.record(latency);
    }

    public void offlineStored() {
        offlineStored.increment();
    }

    public void offlineDelivered(int messages) {
        offlineDelivered.increment(messages);
    }

    public void mamWritten(boolean ok) {
        (ok ? mamWrites : mamWriteFailures).increment();
    }

    public void s2sOpened(Direction direction) {
        s2sStreams.get(direction).incrementAndGet();
    }

    public void s2sClosed(Direction direction) {
        s2sStreams.get(direction).decrementAndGet();
    }

    public void journalFailed(EntityType entity) {
        journalFailures.get(entity).increment();
    }

    /** An enum constant as a label value: lower case with dashes, as RFC 6120 names conditions. */
    public static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return "NodeMetrics[" + registry.getClass().getSimpleName() + "]";
    }
}
