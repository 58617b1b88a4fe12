package chorus.node.login;

import chorus.actors.ClusterMessage;
import chorus.node.config.SessionLimits;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

import java.time.Clock;
import java.time.Duration;

/**
 * One part of the cluster's login throttle: the failure counts of the keys that hash to it, for account names
 * ({@code account-N}) or sources ({@code source-N}). Sharded, so a name or a source is counted in one place whichever
 * node the login comes to; not persistent (a bucket whose node goes away starts again empty elsewhere: the throttle
 * forgets, it never refuses wrongly). Each holds at most {@link #CAPACITY} keys.
 */
public final class ThrottleBucket {
    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "LoginThrottle");

    /** Buckets per kind: the keys spread over this many entities. */
    static final int BUCKETS = 16;
    /** Keys one bucket remembers (about 100 bytes each): at most 2 × 16 × 4096 keys in the cluster. */
    static final int CAPACITY = 4096;
    private static final Duration EXPIRE_EVERY = Duration.ofMinutes(1);

    public sealed interface Command extends ClusterMessage {
    }

    public record Check(long key, ActorRef<Counted> replyTo) implements Command {
    }

    public record Failed(long key) implements Command {
    }

    public record Succeeded(long key) implements Command {
    }

    private enum Expire implements Command { INSTANCE }

    /** The key's failures in its window, and whether it is refused now. */
    public record Counted(int failures, boolean refused) implements ClusterMessage {
    }

    private ThrottleBucket() {
    }

    static String entityId(LoginThrottle.Scope kind, long key) {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + Math.floorMod(key, BUCKETS);
    }

    public static void init(ClusterSharding sharding, SessionLimits.LoginThrottling settings, Clock clock) {
        sharding.init(Entity.of(KEY, ctx -> create(ctx.getEntityId(), settings, clock)));
    }

    static Behavior<Command> create(String entityId, SessionLimits.LoginThrottling settings, Clock clock) {
        SessionLimits.Threshold threshold = entityId.startsWith("account")
            ? settings.account() : settings.source();
        FailureCounts counts = new FailureCounts(threshold, settings.window(), settings.lockout(), CAPACITY, clock);
        return Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Expire.INSTANCE, EXPIRE_EVERY);
            return Behaviors.receive(Command.class)
                .onMessage(Check.class, c -> {
                    FailureCounts.Count n = counts.check(c.key());
                    c.replyTo().tell(new Counted(n.failures(), n.refused()));
                    return Behaviors.same();
                })
                .onMessage(Failed.class, f -> {
                    counts.failed(f.key());
                    return Behaviors.same();
                })
                .onMessage(Succeeded.class, s -> {
                    counts.succeeded(s.key());
                    return Behaviors.same();
                })
                .onMessageEquals(Expire.INSTANCE, () -> {
                    counts.expire();
                    return Behaviors.same();
                })
                .build();
        });
    }
}
