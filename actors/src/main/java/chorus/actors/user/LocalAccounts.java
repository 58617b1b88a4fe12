package chorus.actors.user;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The account entities that run on this node now, by bare JID, so that a message from a session of this node to one
 * of them skips cluster sharding's two hops (its region, then its shard) and goes straight to the entity (issue 18:
 * CPU per message). An entity is listed once it has recovered and is taken off as soon as it asks to be passivated,
 * is told to stop, or stops; whatever then misses it is what an acknowledged delivery already covers: the sending
 * session keeps the message until the entity accepted it and sends it again (through sharding, which holds it while
 * the entity moves or restarts). Only acknowledged deliveries take this way; everything else goes through sharding.
 */
public final class LocalAccounts implements Extension {

    /** The extension's id: {@code LocalAccounts.get(system)}. */
    public static final ExtensionId<LocalAccounts> ID = new ExtensionId<>() {
        @Override
        public LocalAccounts createExtension(ActorSystem<?> system) {
            return new LocalAccounts();
        }
    };

    private final Map<String, ActorRef<UserEntity.Command>> running = new ConcurrentHashMap<>();

    public static LocalAccounts get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** The entity of this account when it runs on this node and takes commands directly, else null. */
    public ActorRef<UserEntity.Command> get(String bareJid) {
        return running.get(bareJid);
    }

    void running(String bareJid, ActorRef<UserEntity.Command> entity) {
        running.put(bareJid, entity);
    }

    /** The entity is going (passivation, hand-off, stop): from now on its commands go through sharding. */
    void going(String bareJid, ActorRef<UserEntity.Command> entity) {
        running.remove(bareJid, entity);
    }
}
