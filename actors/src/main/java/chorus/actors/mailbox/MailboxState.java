package chorus.actors.mailbox;

import chorus.actors.ClusterMessage;
import chorus.actors.mailbox.MailboxEntity.MessageStored;
import chorus.actors.mailbox.MailboxEntity.NoticeStored;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A {@link MailboxEntity}'s state: the waiting messages and server notices, oldest first, the next id, and the bytes
 * they weigh (what the mailbox's limits count). Rebuilt from the journal on every start (the mailbox takes no
 * snapshots), so it is never stored itself.
 */
public record MailboxState(List<MessageStored> waiting, long nextId, long bytes, List<NoticeStored> notices)
    implements ClusterMessage {
    public MailboxState {
        waiting = List.copyOf(waiting);
        notices = notices == null ? List.of() : List.copyOf(notices);
    }

    public static MailboxState empty() {
        return new MailboxState(List.of(), 1, 0, List.of());
    }

    MailboxState plus(MessageStored m) {
        List<MessageStored> w = new ArrayList<>(waiting);
        w.add(m);
        return new MailboxState(w, Math.max(nextId, m.id() + 1), bytes + m.size(), notices);
    }

    MailboxState plus(NoticeStored n) {
        List<NoticeStored> w = new ArrayList<>(notices);
        w.add(n);
        return new MailboxState(waiting, Math.max(nextId, n.id() + 1), bytes + n.size(), w);
    }

    MailboxState without(Predicate<MessageStored> gone) {
        List<MessageStored> w = new ArrayList<>(waiting.size());
        long b = 0;
        for (MessageStored m : waiting) {
            if (!gone.test(m)) {
                w.add(m);
                b += m.size();
            }
        }
        for (NoticeStored n : notices) {
            b += n.size();
        }
        return new MailboxState(w, nextId, b, notices);
    }

    MailboxState withoutNotices(Predicate<NoticeStored> gone) {
        List<NoticeStored> w = new ArrayList<>(notices.size());
        long b = bytes;
        for (NoticeStored n : notices) {
            if (gone.test(n)) {
                b -= n.size();
            } else {
                w.add(n);
            }
        }
        return new MailboxState(waiting, nextId, b, w);
    }

    /** Everything dropped (account removal); ids keep growing. */
    MailboxState cleared() {
        return new MailboxState(List.of(), nextId, 0, List.of());
    }

    /** What is still within its time at {@code now}: messages within {@code retention}, notices before their end. */
    MailboxState live(Instant now, Duration retention) {
        return without(w -> !w.arrivedAt().isAfter(now.minus(retention)))
            .withoutNotices(n -> !n.expiresAt().isAfter(now));
    }

    /** The messages that are still within the retention at {@code now}. */
    public List<MessageStored> unexpired(Instant now, Duration retention) {
        Instant cutoff = now.minus(retention);
        List<MessageStored> out = new ArrayList<>(waiting.size());
        for (MessageStored m : waiting) {
            if (m.arrivedAt().isAfter(cutoff)) {
                out.add(m);
            }
        }
        return out;
    }

    /** The notices whose time has not ended at {@code now}. */
    public List<NoticeStored> liveNotices(Instant now) {
        return notices.stream().filter(n -> n.expiresAt().isAfter(now)).toList();
    }

    int count() {
        return waiting.size() + notices.size();
    }

    @Override
    public String toString() {
        return "MailboxState[" + waiting.size() + " waiting, " + notices.size() + " notices]";
    }
}
