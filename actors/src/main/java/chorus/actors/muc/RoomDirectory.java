package chorus.actors.muc;

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
 * The public rooms of the service (XEP-0045 §6.3), room address to name, replicated to every node with
 * Pekko Distributed Data. Each node reads its own replica, so a room listed on one node shows on the
 * others within the replicator's gossip interval. Hidden and locked rooms are never listed.
 */
public final class RoomDirectory implements RoomListing {
    static final Key<LWWMap<String, String>> KEY = LWWMapKey.create("chorus-muc-public-rooms");

    private interface Command {
    }

    private record Publish(String room, String name) implements Command {
    }

    private record Withdraw(String room) implements Command {
    }

    private record Seen(Replicator.SubscribeResponse<LWWMap<String, String>> response) implements Command {
    }

    private record Written(Replicator.UpdateResponse<LWWMap<String, String>> response) implements Command {
    }

    private final AtomicReference<Map<String, String>> view = new AtomicReference<>(Map.of());
    private final ActorRef<Command> actor;

    private RoomDirectory(ActorSystem<?> system) {
        this.actor = system.systemActorOf(behavior(), "muc-room-directory", Props.empty());
    }

    public static RoomDirectory start(ActorSystem<?> system) {
        return new RoomDirectory(system);
    }

    /** The listed rooms, sorted by address. */
    public Map<String, String> publicRooms() {
        return view.get();
    }

    @Override
    public void publish(String room, String name) {
        change(room, name);
        actor.tell(new Publish(room, name));
    }

    @Override
    public void withdraw(String room) {
        change(room, null);
        actor.tell(new Withdraw(room));
    }

    /** This node sees its own change at once; the replica's next notification confirms it. */
    private void change(String room, String name) {
        view.updateAndGet(m -> {
            TreeMap<String, String> next = new TreeMap<>(m);
            if (name == null) {
                next.remove(room);
            } else {
                next.put(room, name);
            }
            return Collections.unmodifiableMap(next);
        });
    }

    private Behavior<Command> behavior() {
        return Behaviors.setup(ctx -> DistributedData.<Command, LWWMap<String, String>>withReplicatorMessageAdapter(
            replicator -> {
                SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
                replicator.subscribe(KEY, Seen::new);
                return Behaviors.receive(Command.class)
                    .onMessage(Publish.class, p -> {
                        replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWMap.create(),
                            Replicator.writeLocal(), replyTo, m -> m.put(self, p.room(), p.name())), Written::new);
                        return Behaviors.same();
                    })
                    .onMessage(Withdraw.class, w -> {
                        replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWMap.create(),
                            Replicator.writeLocal(), replyTo, m -> m.remove(self, w.room())), Written::new);
                        return Behaviors.same();
                    })
                    .onMessage(Seen.class, s -> {
                        if (s.response() instanceof Replicator.Changed<LWWMap<String, String>> changed) {
                            view.set(Collections.unmodifiableMap(new TreeMap<>(changed.get(KEY).getEntries())));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Written.class, w -> Behaviors.same())
                    .build();
            }));
    }
}
