package chorus.node.login;

import chorus.actors.xmpp.BareJid;
import chorus.node.config.SessionLimits;
import chorus.node.xmppstream.ClientSource;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The cluster's login throttle: each account name and each source is counted in one {@link ThrottleBucket}, wherever
 * sharding placed it, so an attacker gains nothing by spreading its attempts over the nodes. A check asks the two
 * buckets at once (one message each, about a millisecond between nodes).
 *
 * <p>When a bucket does not answer within {@link #ASK_TIMEOUT} (its node died and its shard has no home yet, or the
 * node is swamped), this node's own counts judge in its stead: every failure this node sees is also counted here
 * ({@link #local}), in the same bounded {@link FailureCounts} a bucket uses. So the throttle never fails open: while
 * the cluster's bucket is away, an attacker spread over N nodes gets at most N times the attempts. Before, a silent
 * bucket let the login go unthrottled after 2 s, and that wait was ~1 s of the median re-login after a kill -9
 * (loadtest/RESULTS.md); now a login waits {@link #ASK_TIMEOUT} at most.
 */
public final class ShardedLoginThrottle implements LoginThrottle {
    static final Duration ASK_TIMEOUT = Duration.ofMillis(300);
    /** Failures between two sweeps of this node's own counts for what is over (they are bounded meanwhile). */
    private static final int SWEEP_EVERY = 1024;

    private final SessionLimits.LoginThrottling settings;
    private final ThrottleKeys keys;
    private final Function<String, RecipientRef<ThrottleBucket.Command>> buckets;
    private final Scheduler scheduler;
    /** This node's own counts, by scope: the judgement when the cluster's bucket does not answer; guarded by this. */
    private final EnumMap<Scope, FailureCounts> local = new EnumMap<>(Scope.class);
    private int sinceSweep;

    /**
     * @param clusterSecret the secret every node shares (the SASL decoy secret), from which the keys' hash is keyed
     * @param buckets       the bucket entity of an entity id
     */
    public ShardedLoginThrottle(SessionLimits.LoginThrottling settings, byte[] clusterSecret,
                                Function<String, RecipientRef<ThrottleBucket.Command>> buckets, Scheduler scheduler) {
        this.settings = settings;
        this.keys = new ThrottleKeys(clusterSecret);
        this.buckets = buckets;
        this.scheduler = scheduler;
        for (Scope scope : Scope.values()) {
            SessionLimits.Threshold t = scope == Scope.ACCOUNT ? settings.account() : settings.source();
            local.put(scope, new FailureCounts(t, settings.window(), settings.lockout(), ThrottleBucket.CAPACITY,
                Clock.systemUTC()));
        }
    }

    @Override
    public CompletionStage<Verdict> check(BareJid account, ClientSource source) {
        CompletableFuture<ThrottleBucket.Counted> byAccount = ask(Scope.ACCOUNT, keys.account(account),
            settings.account());
        CompletableFuture<ThrottleBucket.Counted> bySource = ask(Scope.SOURCE, keys.source(source), settings.source());
        return byAccount.thenCombine(bySource, (a, s) -> verdict(a, s, settings));
    }

    static Verdict verdict(ThrottleBucket.Counted account, ThrottleBucket.Counted source,
                           SessionLimits.LoginThrottling settings) {
        if (account.refused()) {
            return new Verdict(Scope.ACCOUNT, 0);
        }
        if (source.refused()) {
            return new Verdict(Scope.SOURCE, 0);
        }
        // The failure about to be answered is the count's next one: slowed from the slow-after-th on.
        int excess = Math.max(excess(account.failures(), settings.account()), excess(source.failures(), settings.source()));
        return new Verdict(null, excess);
    }

    private static int excess(int failures, SessionLimits.Threshold t) {
        return t.slowAfter() <= 0 ? 0 : Math.max(0, failures + 1 - t.slowAfter());
    }

    private CompletableFuture<ThrottleBucket.Counted> ask(Scope scope, long key, SessionLimits.Threshold t) {
        ThrottleBucket.Counted none = new ThrottleBucket.Counted(0, false);
        if (!t.on()) {
            return CompletableFuture.completedFuture(none);
        }
        return AskPattern.<ThrottleBucket.Command, ThrottleBucket.Counted>ask(bucket(scope, key),
                replyTo -> new ThrottleBucket.Check(key, replyTo), ASK_TIMEOUT, scheduler)
            .toCompletableFuture()
            .exceptionally(e -> localCount(scope, key));
    }

    private synchronized ThrottleBucket.Counted localCount(Scope scope, long key) {
        FailureCounts.Count n = local.get(scope).check(key);
        return new ThrottleBucket.Counted(n.failures(), n.refused());
    }

    @Override
    public void failed(BareJid account, ClientSource source) {
        if (settings.account().on()) {
            long a = keys.account(account);
            bucket(Scope.ACCOUNT, a).tell(new ThrottleBucket.Failed(a));
            countLocally(Scope.ACCOUNT, a);
        }
        if (settings.source().on()) {
            long s = keys.source(source);
            bucket(Scope.SOURCE, s).tell(new ThrottleBucket.Failed(s));
            countLocally(Scope.SOURCE, s);
        }
    }

    private synchronized void countLocally(Scope scope, long key) {
        local.get(scope).failed(key);
        if (++sinceSweep >= SWEEP_EVERY) {
            sinceSweep = 0;
            local.values().forEach(FailureCounts::expire);
        }
    }

    @Override
    public void succeeded(BareJid account) {
        if (settings.account().on()) {
            long a = keys.account(account);
            bucket(Scope.ACCOUNT, a).tell(new ThrottleBucket.Succeeded(a));
            synchronized (this) {
                local.get(Scope.ACCOUNT).succeeded(a);
            }
        }
    }

    private RecipientRef<ThrottleBucket.Command> bucket(Scope scope, long key) {
        return buckets.apply(ThrottleBucket.entityId(scope, key));
    }

    @Override
    public String toString() {
        return "ShardedLoginThrottle";
    }
}
