package chorus.node.cluster;

import com.typesafe.config.Config;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.MemberStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * A node that is not the first seed asks the seeds again every {@code chorus.cluster.join-retry} until it has joined,
 * for at most {@code pekko.cluster.seed-node-timeout}; after that Pekko's own retry goes on.
 * <p>
 * Pekko asks again only after {@code seed-node-timeout} without an answer, and that is 30 s here for the first seed's
 * sake (reference.conf says why). Nodes started together asked the first seed before it had formed the cluster, were
 * told it was not a member yet, and joined 30 s after it. Asking again restarts Pekko's join process of the seed nodes,
 * which sends the seeds its question at once; a node that is answered joins. The first seed is never asked to start
 * over: whether it forms a new cluster, and when, stays Pekko's rule.
 * <p>
 * Each restart also moves {@code shutdown-after-unsuccessful-join-seed-nodes} on: a node that joins nowhere still
 * stops, that long after the last retry.
 */
public final class SeedRetry {
    private static final Logger log = LoggerFactory.getLogger(SeedRetry.class);

    private final BooleanSupplier joined;
    private final Runnable askAgain;
    private final long deadlineNanos;
    private int asked;

    SeedRetry(BooleanSupplier joined, Runnable askAgain, Duration within, long nowNanos) {
        this.joined = joined;
        this.askAgain = askAgain;
        this.deadlineNanos = nowNanos + within.toNanos();
    }

    /** One round: false once there is nothing more to do (joined, or the time is over). */
    boolean tick(long nowNanos) {
        if (joined.getAsBoolean() || nowNanos - deadlineNanos >= 0) {
            return false;
        }
        asked++;
        askAgain.run();
        return true;
    }

    int asked() {
        return asked;
    }

    /** Starts the retries on a node whose configuration names seed nodes, unless it is the first of them. */
    public static void start(ActorSystem<?> system) {
        Config c = system.settings().config();
        Duration every = c.getDuration("chorus.cluster.join-retry");
        List<Address> seeds = new ArrayList<>();
        for (String s : c.getStringList("pekko.cluster.seed-nodes")) {
            seeds.add(AddressFromURIString.parse(s));
        }
        Cluster cluster = Cluster.get(system.classicSystem());
        if (every.isZero() || seeds.isEmpty() || seeds.get(0).equals(cluster.selfAddress())) {
            return;
        }
        Duration within = c.getDuration("pekko.cluster.seed-node-timeout");
        SeedRetry retry = new SeedRetry(() -> cluster.selfMember().status() != MemberStatus.removed(),
            () -> cluster.joinSeedNodes(seeds), within, System.nanoTime());
        AtomicReference<Cancellable> task = new AtomicReference<>();
        task.set(system.classicSystem().scheduler().scheduleWithFixedDelay(every, every, () -> {
            if (!retry.tick(System.nanoTime())) {
                Cancellable t = task.get();
                if (t != null) {
                    t.cancel();
                }
                if (retry.asked() > 0) {
                    log.info("Asked the seed nodes again {} time(s) before joining (or before seed-node-timeout)",
                        retry.asked());
                }
            }
        }, system.executionContext()));
    }
}
