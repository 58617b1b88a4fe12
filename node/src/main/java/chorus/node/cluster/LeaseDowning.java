package chorus.node.cluster;

import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Downs, without waiting for the split brain resolver's {@code stable-after}, a member that the cluster cannot reach
 * and whose lease has run out: its row in {@code node_leases} is gone, so it has stopped its entities or died, and
 * nothing is gained by waiting. Only from a side that holds a strict majority of the members and a valid lease of its
 * own, the side the resolver's keep-majority would keep. Anything else (a member cut off that still writes its lease,
 * an even split) is the resolver's to decide, as before. Also stops this node's own lease the moment it sees itself
 * downed. Run every {@code chorus.cluster.lease.down-every} by the node.
 */
final class LeaseDowning implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(LeaseDowning.class);

    /** What the decision needs to know of a member. */
    record Seen(String key, boolean gone, boolean unreachable) { }

    private final Cluster cluster;
    private final NodeLease lease;
    private final AtomicBoolean asking = new AtomicBoolean();
    private volatile boolean joined;

    LeaseDowning(Cluster cluster, NodeLease lease) {
        this.cluster = cluster;
        this.lease = lease;
    }

    /** The members to down now: unreachable, not downed yet, their rows gone, and this side a strict majority. */
    static List<String> toDown(List<Seen> members, Set<String> rows) {
        int present = 0;
        int reachable = 0;
        List<String> out = new ArrayList<>();
        for (Seen m : members) {
            if (m.gone()) {
                continue;
            }
            present++;
            if (!m.unreachable()) {
                reachable++;
            } else if (!rows.contains(m.key())) {
                out.add(m.key());
            }
        }
        return reachable * 2 > present ? out : List.of();
    }

    private static boolean gone(MemberStatus s) {
        return s == MemberStatus.down() || s == MemberStatus.removed();
    }

    @Override
    public void run() {
        // Before it joins, Pekko shows this node as removed: only a node that was a member stops its lease.
        MemberStatus self = cluster.selfMember().status();
        if (self == MemberStatus.down() || (joined && self == MemberStatus.removed())) {
            lease.stop();
            return;
        }
        joined |= self != MemberStatus.removed();
        var state = cluster.state();
        Set<Member> unreachable = state.getUnreachable();
        if (unreachable.isEmpty() || !lease.valid() || !asking.compareAndSet(false, true)) {
            return;
        }
        List<Seen> seen = new ArrayList<>();
        for (Member m : state.getMembers()) {
            seen.add(new Seen(ShardLease.key(m.uniqueAddress()), gone(m.status()), unreachable.contains(m)));
        }
        lease.live().whenComplete((rows, failure) -> {
            asking.set(false);
            if (failure != null) {
                return;
            }
            List<String> down = toDown(seen, rows);
            for (Member m : unreachable) {
                if (down.contains(ShardLease.key(m.uniqueAddress()))) {
                    log.warn("Downing {}: unreachable, and its lease ran out (it has stopped its entities or died)",
                        m.address());
                    cluster.down(m.address());
                    lease.downed();
                }
            }
        });
    }
}
