package chorus.actors.mailbox;

import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.MessageCodec;
import chorus.persistence.mailbox.NoticeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The text of a mailbox's server notices (see {@link Offline#NOTICE}): kept in a {@link NoticeStore} row
 * that expires with the notice, while the mailbox's journal holds only a marker. In memory: the texts read
 * so far. Not thread-safe: the entity's.
 */
final class MailboxNotices {
    private static final Logger log = LoggerFactory.getLogger(MailboxNotices.class);

    private final NoticeStore store;
    private final String owner;
    private final Map<String, Message> texts = new HashMap<>();
    /** Every row of this mailbox's notices has been read (the missing ones have expired). */
    private boolean loaded;

    MailboxNotices(NoticeStore store, String owner) {
        this.store = store;
        this.owner = owner;
    }

    CompletionStage<Void> write(String key, Message notice, Duration ttl) {
        return store.put(owner, key, MessageCodec.encode(notice), ttl);
    }

    void written(String key, Message notice) {
        texts.put(key, notice);
    }

    /** Whether the text of each of these notices is at hand (or known to be gone). */
    boolean ready(Iterable<String> keys) {
        if (loaded) {
            return true;
        }
        for (String k : keys) {
            if (!texts.containsKey(k)) {
                return false;
            }
        }
        return true;
    }

    CompletionStage<Map<String, byte[]>> load() {
        return store.all(owner);
    }

    void loaded(Map<String, byte[]> rows) {
        rows.forEach((k, v) -> {
            try {
                texts.putIfAbsent(k, MessageCodec.decode(v));
            } catch (RuntimeException e) {
                log.warn("a stored notice is unreadable: {}", e.getClass().getSimpleName());
            }
        });
        loaded = true;
    }

    Optional<Message> text(String key) {
        return Optional.ofNullable(texts.get(key));
    }

    /** Delivered or expired: the row goes now (its TTL would take it anyway). */
    void forget(String key) {
        texts.remove(key);
        store.delete(owner, key).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("a delivered notice's row could not be deleted ({}); it expires anyway",
                    e.getClass().getSimpleName());
            }
        });
    }

    void erase() {
        texts.clear();
        store.erase(owner);
    }

    /** What waits at {@code now}, messages and the notices whose text is loaded, oldest first. */
    List<OfflinePages.Entry> entries(MailboxState s, Instant now, Duration retention) {
        List<OfflinePages.Entry> out = new ArrayList<>();
        for (MailboxEntity.MessageStored m : s.unexpired(now, retention)) {
            out.add(new OfflinePages.Entry(m.id(), m.arrivedAt(), m.message()));
        }
        for (MailboxEntity.NoticeStored n : s.liveNotices(now)) {
            text(n.key()).ifPresent(text -> out.add(new OfflinePages.Entry(n.id(), n.arrivedAt(), text)));
        }
        out.sort(Comparator.comparingLong(OfflinePages.Entry::id));
        return out;
    }
}
