package chorus.actors.mailbox;

import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A mailbox's one timer (issue 18: no periodic work per idle session). While something waits that may expire
 * (messages or notices) it ticks every {@link #expiryCheck}; otherwise it is armed once, for when the mailbox will
 * have been idle for its idle timeout, so an empty mailbox wakes once in its life, to passivate.
 */
final class MailboxTimer {
    /** The timer's message: look for what expired, and passivate when idle. Never leaves the node. */
    enum Tick implements MailboxEntity.Command { INSTANCE }

    private final TimerScheduler<MailboxEntity.Command> timers;
    private final Clock clock;
    private final Duration idleTimeout;
    /** The notices' retention is at most the messages': checked this often, enough for both. */
    private final Duration expiryEvery;
    /** The tick is armed at {@link #expiryEvery} (not at the idle deadline). */
    private boolean expiryArmed;
    private Instant lastActive;

    MailboxTimer(TimerScheduler<MailboxEntity.Command> timers, Clock clock, MailboxSettings settings) {
        this.timers = timers;
        this.clock = clock;
        this.idleTimeout = settings.idleTimeout();
        this.expiryEvery = expiryCheck(settings.noticeRetention());
        this.lastActive = clock.instant();
    }

    /** How often a live mailbox looks for expired messages: a hundredth of the retention, 1 s to 1 min. */
    static Duration expiryCheck(Duration retention) {
        Duration d = retention.dividedBy(100);
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return d.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : d;
    }

    /** The mailbox was used now: its idle time starts again. */
    void active() {
        lastActive = clock.instant();
    }

    /** No use for longer than the idle timeout. */
    boolean idle() {
        return Duration.between(lastActive, clock.instant()).compareTo(idleTimeout) > 0;
    }

    /** Arms the tick: soon when something waits that may expire, else at the idle deadline. */
    void arm(MailboxState s) {
        if (!s.waiting().isEmpty() || !s.notices().isEmpty()) {
            timers.startSingleTimer(Tick.INSTANCE, expiryEvery);
            expiryArmed = true;
            return;
        }
        Duration idleLeft = idleTimeout.minus(Duration.between(lastActive, clock.instant()));
        timers.startSingleTimer(Tick.INSTANCE, idleLeft.compareTo(Duration.ofSeconds(1)) < 0
            ? Duration.ofSeconds(1) : idleLeft.plusMillis(10));
        expiryArmed = false;
    }

    /** Something was stored: it expires in time only if the tick comes at {@link #expiryEvery}. */
    void expiryDue() {
        if (!expiryArmed) {
            timers.startSingleTimer(Tick.INSTANCE, expiryEvery);
            expiryArmed = true;
        }
    }
}
