package chorus.node.storage;

import chorus.actors.mailbox.MailboxEntity;
import chorus.persistence.accounts.ErasureLedger;
import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finishes what a removed account leaves behind, whatever happens half way. Once the account's entity has recorded
 * the removal, the erasure is owed in the {@link ErasureLedger}; the mailbox is emptied, the entities are given the
 * time to leave memory, the {@link AccountEraser} erases the journals, and the ledger's row goes. Every node sweeps
 * the ledger: an erasure that a dead node or a failing Cassandra cut off is run again, and the name stays taken
 * until it is done. Logs count accounts; they never name one.
 */
public final class AccountErasure {
    private static final Logger log = LoggerFactory.getLogger(AccountErasure.class);
    private static final Duration ASK = Duration.ofSeconds(15);
    /** Time for the entities, told to leave memory at the removal, to have gone before their journals are erased. */
    private static final Duration PASSIVATION = Duration.ofMillis(500);

    private final ActorSystem<?> system;
    private final ClusterSharding sharding;
    private final AccountEraser eraser;
    private final ErasureLedger ledger;
    private final Clock clock;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    AccountErasure(ActorSystem<?> system, ClusterSharding sharding, AccountEraser eraser, ErasureLedger ledger,
                   Clock clock) {
        this.system = system;
        this.sharding = sharding;
        this.eraser = eraser;
        this.ledger = ledger;
        this.clock = clock;
    }

    /** For Cassandra storage; null in memory, where the entities' own emptying is all there is. */
    public static AccountErasure forStorage(ActorSystem<?> system, ClusterSharding sharding, NodeStorage storage,
                                            Clock clock) {
        AccountEraser eraser = AccountEraser.forStorage(system, storage);
        if (eraser == null) {
            return null;
        }
        ErasureLedger ledger = new ErasureLedger(storage.session(), storage.cassandra().keyspace(), clock);
        return new AccountErasure(system, sharding, eraser, ledger, clock);
    }

    /** Whether the name's last account is not erased yet (it cannot be registered until it is). */
    public CompletionStage<Boolean> owed(String bareJid) {
        return ledger.owed(bareJid);
    }

    /** The entity recorded the account's removal: the erasure is owed from now, and runs. */
    public CompletionStage<Void> removed(String bareJid) {
        return ledger.begin(bareJid).thenCompose(v -> complete(bareJid));
    }

    /** Runs every owed erasure whose removal began {@code minAge} ago or earlier; the number done. */
    public CompletionStage<Integer> sweep(Duration minAge) {
        return ledger.owedSince(clock.instant().minus(minAge)).thenCompose(this::completeAll);
    }

    /** Sweeps as {@code chorus.account-erasure} says. */
    public void start(Config config) {
        Config c = config.getConfig("chorus.account-erasure");
        start(c.getDuration("sweep-every"), c.getDuration("sweep-after"));
    }

    /**
     * Sweeps every {@code every}, the first time one period after the start, for removals {@code minAge} old; until
     * the actor system terminates.
     */
    public void start(Duration every, Duration minAge) {
        system.scheduler().scheduleWithFixedDelay(every, every, () -> sweep(minAge).whenComplete((n, e) -> {
            if (e != null) {
                log.warn("owed account erasures not swept: {}", e.toString());
            } else if (n > 0) {
                log.info("finished {} account erasure(s) that had been cut off", n);
            }
        }), system.executionContext());
    }

    private CompletionStage<Integer> completeAll(List<String> owed) {
        CompletionStage<Integer> done = CompletableFuture.completedFuture(0);
        for (String jid : owed) {
            done = done.thenCompose(n -> complete(jid).handle((v, e) -> e == null ? n + 1 : n));
        }
        return done;
    }

    private CompletionStage<Void> complete(String bareJid) {
        if (!running.add(bareJid)) {
            return CompletableFuture.failedFuture(new IllegalStateException("this account's erasure is running"));
        }
        CompletableFuture<Void> later = new CompletableFuture<>();
        CompletionStage<Void> done = sharding.entityRefFor(MailboxEntity.KEY, bareJid)
            .<MailboxEntity.Cleared>ask(MailboxEntity.Clear::new, ASK)
            .thenCompose(cleared -> {
                system.scheduler().scheduleOnce(PASSIVATION, () -> later.complete(null), system.executionContext());
                return later;
            })
            .thenCompose(v -> eraser.erase(bareJid))
            .thenCompose(v -> ledger.done(bareJid));
        return done.whenComplete((v, e) -> running.remove(bareJid));
    }
}
