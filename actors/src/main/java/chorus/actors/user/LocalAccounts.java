package chorus.actors.user;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The account entities that run on this node now, by bare JID, so that a message from a session of this node to one
 * of them skips cluster sharding's two hops (its region, then its shard) and goes straight to the entity (issue 18:
 * CPU per message). An entity is listed once it has recovered and is taken off as soon as it asks to be passivated,
 * is told to stop, or stops. Only acknowledged deliveries take this way; everything else goes through sharding.
 *
 * <p>In order (RFC 6120 §10.1), with what goes through sharding:
 * <ul>
 *   <li>A direct message never lands in a mailbox the entity will not read: {@link #tell} and {@link #going} exclude
 *       each other, so once {@code going} returned, every direct message to that entity is in its mailbox; an
 *       entity told to stop handles what is in its mailbox before it stops (it tells itself to stop, behind them).
 *       Sharding holds what comes its way meanwhile for the entity's next incarnation, which is why the earlier
 *       direct messages must not be left for a resend: they would arrive after those.</li>
 *   <li>A session sends directly only when nothing it sent to that account still waits for acceptance (the caller
 *       says, see {@code Router.Accounts}): a message that went through sharding a moment before, while the entity was
 *       not listed yet, is not overtaken by the shorter way.</li>
 * </ul>
 * An entity that fails (its journal, a bug) loses what its mailbox holds, as it would with sharding alone; its senders
 * send it again.
 */
public final class LocalAccounts implements Extension {

    /** The extension's id: {@code LocalAccounts.get(system)}. */
    public static final ExtensionId<LocalAccounts> ID = new ExtensionId<>() {
        @Override
        public LocalAccounts createExtension(ActorSystem<?> system) {
            return new LocalAccounts();
        }
    };

    /** A listed entity, and whether it still takes direct messages (read lock: a tell; write lock: it goes). */
    private static final class Listed {
        final ActorRef<UserEntity.Command> entity;
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        boolean open = true;

        Listed(ActorRef<UserEntity.Command> entity) {
            this.entity = entity;
        }
    }

    private final Map<String, Listed> running = new ConcurrentHashMap<>();

    public static LocalAccounts get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** The entity of this account when it is listed here, else null (what the tests look at; senders use {@link #tell}). */
    ActorRef<UserEntity.Command> get(String bareJid) {
        Listed l = running.get(bareJid);
        return l == null ? null : l.entity;
    }

    /** Tells the account's entity directly when it runs here and still takes direct messages: true when it did. */
    public boolean tell(String bareJid, UserEntity.Command command) {
        Listed l = running.get(bareJid);
        if (l == null) {
            return false;
        }
        Lock read = l.lock.readLock();
        read.lock();
        try {
            if (!l.open) {
                return false;
            }
            l.entity.tell(command);
            return true;
        } finally {
            read.unlock();
        }
    }

    void running(String bareJid, ActorRef<UserEntity.Command> entity) {
        running.put(bareJid, new Listed(entity));
    }

    /**
     * The entity is going (passivation, hand-off, stop): from now on its commands go through sharding. When this
     * returns, every direct message to it is in its mailbox.
     */
    void going(String bareJid, ActorRef<UserEntity.Command> entity) {
        Listed l = running.get(bareJid);
        if (l == null || !l.entity.equals(entity)) {
            return;
        }
        running.remove(bareJid, l);
        Lock write = l.lock.writeLock();
        write.lock();
        try {
            l.open = false;
        } finally {
            write.unlock();
        }
    }
}
