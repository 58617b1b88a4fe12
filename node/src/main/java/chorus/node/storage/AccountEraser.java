package chorus.node.storage;

import chorus.persistence.archive.ArchiveStore;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.cleanup.Cleanup;
import org.apache.pekko.persistence.cassandra.cleanup.CleanupSettings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import scala.jdk.javaapi.FutureConverters;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Erases everything an account left in the journals once its entities have stopped: every event and
 * snapshot of {@code User|jid} and {@code Mailbox|jid}, their metadata and persistence-id rows, with the
 * Pekko Cassandra plugin's cleanup tool, the account's message archive and its mailbox's notices. Re-registering the name
 * afterwards starts from nothing.
 */
public final class AccountEraser {
    private final Cleanup users;
    private final Cleanup mailboxes;
    private final ArchiveStore archive;
    private final chorus.persistence.mailbox.NoticeStore notices;

    private AccountEraser(Cleanup users, Cleanup mailboxes, ArchiveStore archive,
                          chorus.persistence.mailbox.NoticeStore notices) {
        this.users = users;
        this.mailboxes = mailboxes;
        this.archive = archive;
        this.notices = notices;
    }

    /** For Cassandra storage; null (nothing to erase beyond what the entities emptied) in memory. */
    public static AccountEraser forStorage(ActorSystem<?> system, NodeStorage storage) {
        if (storage.session() == null) {
            return null;
        }
        return new AccountEraser(cleanup(system, "pekko.persistence.cassandra"), cleanup(system, "chorus.mailbox-store"),
            storage.archive(java.time.Clock.systemUTC()), storage.notices(java.time.Clock.systemUTC()));
    }

    private static Cleanup cleanup(ActorSystem<?> system, String plugin) {
        Config c = ConfigFactory.parseMap(Map.of(
            "plugin-location", plugin,
            "operation-timeout", "10s",
            "log-progress-every", 1000,
            "dry-run", false));
        return new Cleanup(system.classicSystem(), new CleanupSettings(c));
    }

    /** Erases a destroyed persistent room's journal; its address may hold a new room later. */
    public CompletionStage<Void> eraseRoom(String roomJid) {
        return FutureConverters.asJava(users.deleteAll("Room|" + roomJid, false)).toCompletableFuture()
            .thenApply(done -> null);
    }

    public CompletionStage<Void> erase(String bareJid) {
        CompletableFuture<?> user = FutureConverters.asJava(users.deleteAll("User|" + bareJid, true)).toCompletableFuture();
        CompletableFuture<?> mailbox = FutureConverters.asJava(mailboxes.deleteAll("Mailbox|" + bareJid, true)).toCompletableFuture();
        // The entity erased the archive when the account was removed; again here, for a write that was late.
        CompletableFuture<?> archived = archive.erase(bareJid).toCompletableFuture();
        CompletableFuture<?> noticed = notices.erase(bareJid).toCompletableFuture();
        return CompletableFuture.allOf(user, mailbox, archived, noticed);
    }
}
