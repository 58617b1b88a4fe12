package chorus.actors.replicated;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A string-to-string map replicated to every node with Pekko Distributed Data (a last-writer-wins map, in memory
 * only): each node writes to its own replica and reads it; a change reaches the others within the replicator's gossip
 * interval. The node that wrote sees its change at once.
 */
public final class ReplicatedMap {

    private interface Command {
    }

    private record Put(String key, String value) implements Command {
    }

    private record Remove(String key) implements Command {
    }

    private record Seen(Replicator.SubscribeResponse<LWWMap<String, String>> response) implements Command {
    }

    private record Written(Replicator.UpdateResponse<LWWMap<String, String>> response) implements Command {
    }

    private final Key<LWWMap<String, String>> key;
    private final AtomicReference<Map<String, String>> view = new AtomicReference<>(Map.of());
    private final ActorRef<Command> actor;

    /** {@code name}: the map's name in the cluster (one per purpose, never changed), also its actor's. */
    public ReplicatedMap(ActorSystem<?> system, String name) {
        this.key = LWWMapKey.create(name);
        this.actor = system.systemActorOf(behavior(), name, Props.empty());
    }

    /** This node's replica, sorted by key. */
    public Map<String, String> view() {
        return view.get();
    }

    public void put(String k, String v) {
        change(k, v);
        actor.tell(new Put(k, v));
    }

    public void remove(String k) {
        change(k, null);
        actor.tell(new Remove(k));
    }

    private void change(String k, String v) {
        view.updateAndGet(m -> {
            TreeMap<String, String> next = new TreeMap<>(m);
            if (v == null) {
                next.remove(k);
            } else {
                next.put(k, v);
            }
            return Collections.unmodifiableMap(next);
        });
    }

    private Behavior<Command> behavior() {
        return Behaviors.setup(ctx -> DistributedData.<Command, LWWMap<String, String>>withReplicatorMessageAdapter(
            replicator -> {
                SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
                replicator.subscribe(key, Seen::new);
                return Behaviors.receive(Command.class)
                    .onMessage(Put.class, p -> {
                        replicator.askUpdate(replyTo -> new Replicator.Update<>(key, LWWMap.create(),
                            Replicator.writeLocal(), replyTo, m -> m.put(self, p.key(), p.value())), Written::new);
                        return Behaviors.same();
                    })
                    .onMessage(Remove.class, r -> {
                        replicator.askUpdate(replyTo -> new Replicator.Update<>(key, LWWMap.create(),
                            Replicator.writeLocal(), replyTo, m -> m.remove(self, r.key())), Written::new);
                        return Behaviors.same();
                    })
                    .onMessage(Seen.class, s -> {
                        if (s.response() instanceof Replicator.Changed<LWWMap<String, String>> changed) {
                            view.set(Collections.unmodifiableMap(new TreeMap<>(changed.get(key).getEntries())));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Written.class, w -> Behaviors.same())
                    .build();
            }));
    }
}
