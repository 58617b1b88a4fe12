package chorus.node.storage;

import chorus.persistence.archive.ArchiveStore;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.cleanup.Cleanup;
import org.apache.pekko.persistence.cassandra.cleanup.CleanupSettings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import scala.jdk.javaapi.FutureConverters;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Erases everything an account left in the journals once its entities have stopped: every event and
 * snapshot of {@code User|jid} and {@code Mailbox|jid}, their metadata and persistence-id rows, with the
 * Pekko Cassandra plugin's cleanup tool, the account's message archive and its mailbox's notices. Re-registering the name
 * afterwards starts from nothing.
 *
 * <p>The steps run one after the other, snapshots first, so that an erasure cut off after any of them leaves no old
 * account behind: with the snapshots gone the user's journal still ends with its removal, and once the events are
 * deleted there is nothing to recover. (The plugin's own {@code deleteAll} deletes the events first; cut off before
 * its snapshots went, the entity would recover the last snapshot, an account with its old password.) What was cut
 * off is finished later from the {@link chorus.persistence.accounts.ErasureLedger}.
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

    /**
     * Erases a destroyed persistent room's journal; its address may hold a new room later. Snapshots first, as for
     * an account: cut off half way, the room recovers as destroyed, never as it was.
     */
    public CompletionStage<Void> eraseRoom(String roomJid) {
        String room = "Room|" + roomJid;
        return asJava(users.deleteAllSnapshots(room)).thenCompose(v -> asJava(users.deleteAllEvents(room, false)))
            .thenApply(done -> null);
    }

    /** One step of an account's erasure. */
    public record Step(String name, Supplier<CompletionStage<?>> run) {
    }

    /** The steps of erasing this account, in the order {@link #erase} runs them. */
    public List<Step> steps(String bareJid) {
        String user = "User|" + bareJid;
        return List.of(
            new Step("user snapshots", () -> asJava(users.deleteAllSnapshots(user))),
            new Step("user events", () -> asJava(users.deleteAllEvents(user, true))),
            new Step("mailbox", () -> asJava(mailboxes.deleteAll("Mailbox|" + bareJid, true))),
            // The entity erased the archive when the account was removed; again here, for a write that was late.
            new Step("archive", () -> archive.erase(bareJid)),
            new Step("notices", () -> notices.erase(bareJid)));
    }

    /** Runs every step in order; the first that fails ends the erasure, failed (it is safe to run again). */
    public CompletionStage<Void> erase(String bareJid) {
        CompletionStage<?> done = CompletableFuture.completedFuture(null);
        for (Step step : steps(bareJid)) {
            done = done.thenCompose(v -> step.run().get());
        }
        return done.thenApply(v -> null);
    }

    private static CompletionStage<?> asJava(scala.concurrent.Future<?> f) {
        return FutureConverters.asJava(f);
    }
}
