package chorus.node.login;

import chorus.actors.xmpp.BareJid;
import chorus.node.config.SessionLimits;
import chorus.node.xmppstream.ClientSource;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The cluster's login throttle: each account name and each source is counted in one {@link ThrottleBucket}, wherever
 * sharding placed it, so an attacker gains nothing by spreading its attempts over the nodes. A check asks the two
 * buckets at once (one message each, about a millisecond between nodes); when a bucket does not answer in time the
 * login goes ahead unthrottled rather than fail.
 */
public final class ShardedLoginThrottle implements LoginThrottle {
    static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);

    private final SessionLimits.LoginThrottling settings;
    private final ThrottleKeys keys;
    private final Function<String, RecipientRef<ThrottleBucket.Command>> buckets;
    private final Scheduler scheduler;

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
            .exceptionally(e -> none);
    }

    @Override
    public void failed(BareJid account, ClientSource source) {
        if (settings.account().on()) {
            long a = keys.account(account);
            bucket(Scope.ACCOUNT, a).tell(new ThrottleBucket.Failed(a));
        }
        if (settings.source().on()) {
            long s = keys.source(source);
            bucket(Scope.SOURCE, s).tell(new ThrottleBucket.Failed(s));
        }
    }

    @Override
    public void succeeded(BareJid account) {
        if (settings.account().on()) {
            long a = keys.account(account);
            bucket(Scope.ACCOUNT, a).tell(new ThrottleBucket.Succeeded(a));
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
