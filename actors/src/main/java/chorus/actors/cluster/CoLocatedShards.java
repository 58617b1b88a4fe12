package chorus.actors.cluster;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;
import scala.util.hashing.MurmurHash3$;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Places a shard on the node that rendezvous (highest-random-weight) hashing of its shard id over the nodes' addresses
 * picks, so that shards with the same id of different entity types land on the same node: an account's UserEntity and
 * MailboxEntity share their entity id, hence their shard id, and talk without crossing the network (DESIGN.md). Every
 * entity type that should be co-located uses its own instance of this class; each computes the same answer from the
 * same members.
 *
 * <p>Only nodes that are Up and reachable take new shards. Shards are moved only while the cluster is settled (every
 * member Up and reachable, every region on one of them): a hand-off involving a node that was just killed would hold
 * its shards' messages until the hand-off timed out. When nodes come or go, rendezvous hashing moves only the shards
 * whose node changed (about 1/n of them), at most {@code rebalanceLimit} per round. Pekko 1.2 has no consistent-hashing allocation of its own (it came after).
 */
public final class CoLocatedShards extends ShardCoordinator.AbstractShardAllocationStrategy
        implements ShardCoordinator.ActorSystemDependentAllocationStrategy {

    /** Shards moved per rebalance round at most (Pekko's default relative limit: a tenth of 1000 shards). */
    public static final int REBALANCE_LIMIT = 100;

    private final int rebalanceLimit;
    private Supplier<Address> self = () -> null;
    private Supplier<Iterable<Member>> members = List::of;
    private Supplier<Set<Member>> unreachable = Set::of;

    public CoLocatedShards(int rebalanceLimit) {
        this.rebalanceLimit = rebalanceLimit;
    }

    @Override
    public void start(org.apache.pekko.actor.ActorSystem system) {
        Cluster cluster = Cluster.get(system);
        this.self = cluster::selfAddress;
        this.members = () -> cluster.state().getMembers();
        this.unreachable = () -> cluster.state().getUnreachable();
    }

    @Override
    public Future<ActorRef> allocateShard(ActorRef requester, String shardId,
                                          Map<ActorRef, IndexedSeq<String>> current) {
        Map<Address, ActorRef> regions = eligible(current.keySet());
        if (regions.isEmpty()) {
            return Future.successful(requester);
        }
        return Future.successful(regions.get(owner(shardId, regions.keySet())));
    }

    @Override
    public Future<Set<String>> rebalance(Map<ActorRef, IndexedSeq<String>> current, Set<String> inProgress) {
        Map<Address, ActorRef> regions = eligible(current.keySet());
        Set<String> moves = new HashSet<>();
        if (regions.size() < 2 || !settled(regions.size(), current.size())) {
            // A node down, leaving, joining or unreachable: a hand-off would wait for it. Allocation goes on; moving
            // shards waits until the cluster is settled again.
            return Future.successful(moves);
        }
        for (Map.Entry<ActorRef, IndexedSeq<String>> e : current.entrySet()) {
            Address here = address(e.getKey());
            scala.collection.Iterator<String> shards = e.getValue().iterator();
            while (shards.hasNext() && moves.size() + inProgress.size() < rebalanceLimit) {
                String shard = shards.next();
                if (!inProgress.contains(shard) && !owner(shard, regions.keySet()).equals(here)) {
                    moves.add(shard);
                }
            }
        }
        return Future.successful(moves);
    }

    /**
     * The node of {@code shardId} among {@code nodes}: the one whose hash with the shard id is highest. The same
     * shard id and the same nodes give the same node on every node, for every entity type.
     */
    public static Address owner(String shardId, Collection<Address> nodes) {
        Address best = null;
        int bestWeight = 0;
        for (Address node : nodes) {
            int weight = MurmurHash3$.MODULE$.stringHash(shardId + "@" + node);
            if (best == null || weight > bestWeight || (weight == bestWeight && node.toString().compareTo(best.toString()) < 0)) {
                best = node;
                bestWeight = weight;
            }
        }
        return best;
    }

    /** Every member is Up and reachable, and every region is on one of them. */
    private boolean settled(int eligibleRegions, int regions) {
        if (!unreachable.get().isEmpty() || eligibleRegions != regions) {
            return false;
        }
        for (Member m : members.get()) {
            if (m.status() != MemberStatus.up()) {
                return false;
            }
        }
        return true;
    }

    /** The regions on Up and reachable nodes, by node address; all regions when membership is not known (yet). */
    private Map<Address, ActorRef> eligible(Collection<ActorRef> regions) {
        Set<Address> up = new HashSet<>();
        for (Member m : members.get()) {
            if (m.status() == MemberStatus.up()) {
                up.add(m.address());
            }
        }
        for (Member m : unreachable.get()) {
            up.remove(m.address());
        }
        Map<Address, ActorRef> byNode = new HashMap<>();
        List<ActorRef> all = new ArrayList<>(regions);
        for (ActorRef region : all) {
            Address a = address(region);
            if (up.isEmpty() || up.contains(a)) {
                byNode.put(a, region);
            }
        }
        if (byNode.isEmpty()) {
            all.forEach(r -> byNode.put(address(r), r));
        }
        return byNode;
    }

    /** A region's node: a local reference's address has no host, it is this node's. */
    private Address address(ActorRef region) {
        Address a = region.path().address();
        return a.hasLocalScope() && self.get() != null ? self.get() : a;
    }
}
