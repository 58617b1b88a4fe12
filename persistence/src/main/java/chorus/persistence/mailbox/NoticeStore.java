package chorus.persistence.mailbox;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The text of server notices waiting in an offline mailbox (the admins' notice of an in-band registration,
 * the one stored place a client's address appears). Each row lives its own retention and is then gone
 * (Cassandra's TTL); the mailbox's journal holds only a marker without the text.
 */
public interface NoticeStore {

    /** Keeps a notice of {@code owner} under {@code key} for {@code ttl}. */
    CompletionStage<Void> put(String owner, String key, byte[] notice, Duration ttl);

    /** The owner's notices that have not expired, by key. */
    CompletionStage<Map<String, byte[]>> all(String owner);

    /** The notice was delivered: it goes at once. */
    CompletionStage<Void> delete(String owner, String key);

    /** The account was removed: every notice of it goes. */
    CompletionStage<Void> erase(String owner);
}
