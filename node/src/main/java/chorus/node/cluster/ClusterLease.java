package chorus.node.cluster;

import chorus.actors.Journaled;
import chorus.node.config.SettingsException;
import chorus.node.storage.NodeStorage;
import chorus.persistence.cluster.NodeLeaseTable;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.MemberStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The node lease's settings ({@code chorus.cluster.lease}) and its start in a node: the row written every
 * {@code renew-every}, the check that stops the shards when it runs out, {@link LeaseDowning}, and the row deleted
 * once the node has stopped its shards at shutdown. On (by default) for a node that stores in Cassandra and may have
 * peers ({@link chorus.node.config.ClusterSettings#sharesItsCluster}); a node alone shares its entities with no one. Every member of a cluster must agree ({@link LeaseCheck}).
 */
public record ClusterLease(boolean active, NodeLease.Timing timing, Duration downEvery, Duration removalMargin) {
    private static final Logger log = LoggerFactory.getLogger(ClusterLease.class);
    static final String PATH = "chorus.cluster.lease";
    static final String ACTIVE = PATH + ".active";
    /** How often a holder is checked against the lease's end: part of the guard. */
    static final Duration CHECK_EVERY = Duration.ofMillis(100);

    public static ClusterLease from(Config c, boolean withPeers, boolean cassandra) {
        String enabled = c.getString(PATH + ".enabled");
        boolean active = switch (enabled) {
            case "auto" -> withPeers && cassandra;
            case "off" -> false;
            case "on" -> {
                if (!cassandra) {
                    throw new SettingsException(PATH + ".enabled", "on needs chorus.storage = cassandra");
                }
                yield true;
            }
            default -> throw new SettingsException(PATH + ".enabled", "must be auto, on or off, not '" + enabled + "'");
        };
        try {
            NodeLease.Timing timing = new NodeLease.Timing(c.getDuration(PATH + ".renew-every"),
                c.getDuration(PATH + ".ttl"), c.getDuration(PATH + ".guard"));
            if (timing.guard().compareTo(CHECK_EVERY.multipliedBy(5)) < 0) {
                throw new IllegalArgumentException("the guard must be at least 500 ms");
            }
            Duration margin = c.getDuration(PATH + ".removal-margin");
            if (margin.isZero() || margin.isNegative()) {
                throw new IllegalArgumentException("removal-margin must be positive (Pekko reads 0 as stable-after)");
            }
            return new ClusterLease(active, timing, c.getDuration(PATH + ".down-every"), margin);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(PATH, e.getMessage());
        }
    }

    /** The Pekko settings this means: every shard takes the lease; no removal margin is waited out. */
    public Config pekkoConfig() {
        if (!active) {
            return ConfigFactory.parseMap(Map.of(ACTIVE, false));
        }
        return ConfigFactory.parseMap(Map.of(ACTIVE, true,
            "pekko.cluster.sharding.use-lease", PATH + ".pekko",
            "pekko.cluster.sharding.lease-retry-interval", timing.renewEvery().dividedBy(2).toMillis() + "ms",
            "pekko.cluster.down-removal-margin", removalMargin.toMillis() + "ms"));
    }

    /** Starts writing this node's lease and everything that hangs on it; nothing when the lease is off. */
    public void start(ActorSystem<?> system, NodeStorage storage, Clock clock) {
        if (!active) {
            return;
        }
        Cluster cluster = Cluster.get(system.classicSystem());
        NodeLeaseTable table = new NodeLeaseTable(storage.session(), storage.cassandra().keyspace(), clock);
        NodeLease lease = new NodeLease(ShardLease.key(cluster.selfUniqueAddress()), new NodeLease.Store() {
            public CompletionStage<Void> renew(String node, Duration ttl) {
                return table.renew(node, ttl);
            }

            public CompletionStage<Void> remove(String node) {
                return table.remove(node);
            }

            public CompletionStage<Set<String>> live() {
                return table.live();
            }
        }, timing, System::nanoTime);
        // Before it joins, Pekko shows this node as removed; once downed or removed after joining, LeaseDowning stops
        // the lease for good.
        lease.writeOnlyWhen(() -> cluster.selfMember().status() != MemberStatus.removed());
        NodeLeases.set(system.classicSystem(), lease);
        Journaled.Fence.get(system).guardWith(lease::valid);
        // Its own thread, not Pekko's dispatcher: a node busy with its entities must still write its lease in time.
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "node-lease");
            t.setDaemon(true);
            return t;
        });
        every(timer, Duration.ZERO, timing.renewEvery(), lease::renew);
        every(timer, CHECK_EVERY, CHECK_EVERY, lease::check);
        every(timer, downEvery, downEvery, new LeaseDowning(cluster, lease));
        system.getWhenTerminated().thenRun(timer::shutdownNow);
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "give-up-node-lease", () -> {
                timer.shutdown();
                return lease.giveUp().handle((v, failure) -> {
                    if (failure != null) {
                        log.info("This node's lease row was not deleted ({}); it expires by itself", failure.toString());
                    }
                    return Done.done();
                });
            });
        log.info("Node lease on: written every {} ms, runs out {} ms after a write began", timing.renewEvery().toMillis(),
            timing.ttl().minus(timing.guard()).toMillis());
    }

    /** A task run every {@code period}; one that throws is logged and runs again next time. */
    private static void every(ScheduledExecutorService timer, Duration first, Duration period, Runnable task) {
        timer.scheduleAtFixedRate(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("Node lease task failed; it runs again in {} ms", period.toMillis(), e);
            }
        }, first.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }
}
