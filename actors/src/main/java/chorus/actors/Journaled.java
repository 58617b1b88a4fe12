package chorus.actors;

import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.SupervisorStrategy;

import java.time.Duration;

/** What the sharded, event-sourced entities (users, mailboxes, rooms) share. */
public final class Journaled {
    /** A journal that fails (Cassandra away) restarts the entity after 0.2 s, backing off to 5 s. */
    public static final BackoffSupervisorStrategy RESTART_ON_JOURNAL_FAILURE =
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);

    private Journaled() {
    }
}
