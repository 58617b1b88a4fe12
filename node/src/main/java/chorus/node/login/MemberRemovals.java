package chorus.node.login;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes whoever waits at the cluster's next member removal: a login whose question went to an entity of a node that
 * died asks again the moment the node is removed (its shards can move now), instead of at its next try
 * ({@link CredentialsLookup}). Holds only the waiters of lookups in flight; each leaves when its lookup ends.
 */
public final class MemberRemovals {
    /** Never wakes anyone: no cluster events (tests, a session without a node). */
    public static final MemberRemovals NONE = new MemberRemovals();

    private final Set<Runnable> waiting = ConcurrentHashMap.newKeySet();

    MemberRemovals() {
    }

    /** Subscribes to this node's member removals. */
    public static MemberRemovals start(ActorSystem<?> system) {
        MemberRemovals removals = new MemberRemovals();
        ActorRef<ClusterEvent.MemberRemoved> listener = system.systemActorOf(
            Behaviors.receive(ClusterEvent.MemberRemoved.class)
                .onMessage(ClusterEvent.MemberRemoved.class, m -> {
                    removals.removed();
                    return Behaviors.same();
                }).build(),
            "member-removals", Props.empty());
        Cluster.get(system).subscriptions().tell(Subscribe.create(listener, ClusterEvent.MemberRemoved.class));
        return removals;
    }

    /** Runs {@code wake} at the next removal, unless the returned handle is run first. */
    Runnable onNext(Runnable wake) {
        if (this == NONE) {
            return () -> { };
        }
        waiting.add(wake);
        return () -> waiting.remove(wake);
    }

    void removed() {
        List<Runnable> now = List.copyOf(waiting);
        waiting.removeAll(now);
        now.forEach(Runnable::run);
    }

    int waiting() {
        return waiting.size();
    }
}
