package chorus.node.cluster;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.coordination.lease.LeaseException;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.apache.pekko.coordination.lease.javadsl.Lease;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The lease a shard takes before it starts entities (Pekko's {@code pekko.cluster.sharding.use-lease}), on
 * this node's {@link NodeLease}. It is granted when
 * <ul>
 *   <li>this node's lease is valid, and</li>
 *   <li>every other node with a row in {@code node_leases} is a member this node sees up and reachable: the shard
 *   may have run on a node that was downed, removed or cut off, and starts here only once that node's lease has run
 *   out (its row is gone). A member still up handed its shards over before the coordinator moved them.</li>
 * </ul>
 * It is lost, and Pekko stops the shard with its entities, the moment this node's lease runs out. So two nodes
 * never run one entity, whatever the failure detector, the split brain resolver or the removal margin decided.
 */
public final class ShardLease extends Lease {
    private final LeaseSettings settings;
    private final Supplier<NodeLease> node;
    private final Supplier<Set<String>> trusted;
    private final AtomicReference<NodeLease.Hold> hold = new AtomicReference<>();

    /** Pekko's constructor: the node's lease comes from the node ({@link NodeLeases}). */
    public ShardLease(LeaseSettings settings, ExtendedActorSystem system) {
        this(settings, () -> NodeLeases.of(system), () -> trustedMembers(Cluster.get(system)));
    }

    ShardLease(LeaseSettings settings, Supplier<NodeLease> node, Supplier<Set<String>> trusted) {
        this.settings = settings;
        this.node = node;
        this.trusted = trusted;
    }

    /** A node incarnation's key in {@code node_leases}. */
    public static String key(UniqueAddress node) {
        return node.address() + "#" + node.longUid();
    }

    /** The members this node sees joining, up or leaving, and reachable by every member. */
    static Set<String> trustedMembers(Cluster cluster) {
        var state = cluster.state();
        Set<Member> unreachable = state.getUnreachable();
        Set<String> out = new HashSet<>();
        for (Member m : state.getMembers()) {
            MemberStatus s = m.status();
            boolean present = s == MemberStatus.joining() || s == MemberStatus.weaklyUp() || s == MemberStatus.up()
                || s == MemberStatus.leaving() || s == MemberStatus.exiting();
            if (present && !unreachable.contains(m)) {
                out.add(key(m.uniqueAddress()));
            }
        }
        return out;
    }

    @Override
    public LeaseSettings getSettings() {
        return settings;
    }

    @Override
    public CompletionStage<Boolean> acquire() {
        return acquire(reason -> { });
    }

    @Override
    public CompletionStage<Boolean> acquire(Consumer<Optional<Throwable>> leaseLost) {
        NodeLease lease = node.get();
        if (lease == null || !lease.valid()) {
            return CompletableFuture.completedFuture(false);
        }
        return lease.othersSettled(trusted.get()).thenApply(settled -> {
            if (!settled) {
                return false;
            }
            AtomicReference<NodeLease.Hold> mine = new AtomicReference<>();
            NodeLease.Hold h = lease.hold(() -> {
                hold.compareAndSet(mine.get(), null);
                leaseLost.accept(Optional.of(new LeaseException("this node's lease ran out")));
            });
            if (h == null) {
                return false;
            }
            mine.set(h);
            NodeLease.Hold old = hold.getAndSet(h);
            if (old != null) {
                lease.release(old);
            }
            return true;
        });
    }

    @Override
    public CompletionStage<Boolean> release() {
        NodeLease.Hold h = hold.getAndSet(null);
        NodeLease lease = node.get();
        if (h != null && lease != null) {
            lease.release(h);
        }
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public boolean checkLease() {
        NodeLease lease = node.get();
        return hold.get() != null && lease != null && lease.valid();
    }
}
