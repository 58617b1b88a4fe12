package chorus.actors.muc;

import chorus.actors.cluster.Frames;
import chorus.actors.xmpp.StanzaError;
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

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;

/**
 * The service's rooms (XEP-0045 §6.3), replicated to every node with Pekko Distributed Data: each room's
 * creator, and the name of those that are public and open. Each node reads its own replica, so a change on
 * one node shows on the others within the replicator's gossip interval (2 s); the caps on rooms per creator
 * and on the service's rooms are checked against it, so rooms made on several nodes at the same moment may
 * pass a cap by what those nodes made in that interval. The rooms are split over {@link RoomRegistry#PARTS}
 * replicated entries, none larger than half a cluster frame. Hidden and locked rooms are never listed.
 */
public final class RoomDirectory implements RoomListing {
    private interface Command {
    }

    private record Put(String room, RoomEntry entry) implements Command {
    }

    private record Seen(Replicator.SubscribeResponse<LWWMap<String, RoomEntry>> response) implements Command {
    }

    private record Written(Replicator.UpdateResponse<LWWMap<String, RoomEntry>> response) implements Command {
    }

    static final String KEY_PREFIX = "chorus-muc-rooms-";
    private final RoomRegistry registry;
    private final ActorRef<Command> actor;
    private final List<Key<LWWMap<String, RoomEntry>>> keys = new ArrayList<>();

    private RoomDirectory(ActorSystem<?> system, MucSettings settings) {
        this.registry = new RoomRegistry(settings, Frames.get(system).budget());
        for (int i = 0; i < RoomRegistry.PARTS; i++) {
            keys.add(LWWMapKey.create(KEY_PREFIX + i));
        }
        this.actor = system.systemActorOf(behavior(), "muc-room-directory", Props.empty());
    }

    public static RoomDirectory start(ActorSystem<?> system, MucSettings settings) {
        return new RoomDirectory(system, settings);
    }

    /** The listed rooms, sorted by address, address to name. */
    public NavigableMap<String, String> publicRooms() {
        return registry.listed();
    }

    /** Checks the caps and, when they allow the room, counts it at once. */
    @Override
    public StanzaError.Condition refuseCreation(String creator, String room) {
        StanzaError.Condition refused = registry.reserve(creator, room);
        if (refused == null) {
            actor.tell(new Put(room, registry.entry(room)));
        }
        return refused;
    }

    @Override
    public void created(String room, String creator) {
        RoomEntry now = registry.entry(room);
        put(room, new RoomEntry(creator, now == null ? null : now.name()));
    }

    @Override
    public void publish(String room, String name) {
        RoomEntry now = registry.entry(room);
        RoomEntry next = now == null ? new RoomEntry(null, name) : now.withName(name);
        if (registry.fits(room, next)) {
            put(room, next);
        }
    }

    @Override
    public void withdraw(String room) {
        RoomEntry now = registry.entry(room);
        if (now != null && now.name() != null) {
            put(room, now.withName(null));
        }
    }

    @Override
    public void gone(String room) {
        if (registry.entry(room) != null) {
            put(room, null);
        }
    }

    /** This node sees its own change at once; the replica's next notification confirms it. */
    private void put(String room, RoomEntry e) {
        registry.put(room, e);
        actor.tell(new Put(room, e));
    }

    private Behavior<Command> behavior() {
        return Behaviors.setup(ctx -> DistributedData.<Command, LWWMap<String, RoomEntry>>withReplicatorMessageAdapter(
            replicator -> {
                SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
                // One adapter serves every key (an actor has one adapter per message class): the part is the key's.
                for (Key<LWWMap<String, RoomEntry>> key : keys) {
                    replicator.subscribe(key, Seen::new);
                }
                return Behaviors.receive(Command.class)
                    .onMessage(Put.class, p -> {
                        Key<LWWMap<String, RoomEntry>> key = keys.get(RoomRegistry.part(p.room()));
                        replicator.askUpdate(replyTo -> new Replicator.Update<>(key, LWWMap.create(),
                            Replicator.writeLocal(), replyTo,
                            m -> p.entry() == null ? m.remove(self, p.room()) : m.put(self, p.room(), p.entry())),
                            Written::new);
                        return Behaviors.same();
                    })
                    .onMessage(Seen.class, s -> {
                        if (s.response() instanceof Replicator.Changed<LWWMap<String, RoomEntry>> changed) {
                            int part = Integer.parseInt(changed.key().id().substring(KEY_PREFIX.length()));
                            registry.replace(part, changed.get(changed.key()).getEntries());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Written.class, w -> Behaviors.same())
                    .build();
            }));
    }
}
