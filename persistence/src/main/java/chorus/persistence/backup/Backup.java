package chorus.persistence.backup;

import com.datastax.oss.driver.api.core.CqlSession;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backups of a keyspace: every row of the tables that hold accounts and their data, streamed from
 * Cassandra page by page while the cluster runs, and encrypted before a byte leaves this process
 * ({@link ChunkCipher}). The rows are copied verbatim (each column's serialized value), so a backup does not
 * depend on the entities' classes; rows that expire (offline messages, archives) keep their expiry time.
 * A restore first reads the whole file to check every chunk, then writes into an empty keyspace.
 */
public final class Backup {
    /**
     * What a backup holds: the account directory, the event journal with its snapshots and metadata (accounts'
     * credentials as SCRAM keys, rosters, vCards, private XML, block lists, PEP, persistent rooms), the
     * mailboxes' journal (offline messages), the message archives, and the erasures still owed (account_erasures:
     * a restored cluster finishes removals that were cut off when the backup was taken). Not the delivery-failure log
     * (diagnostics, kept 7 days), nor the admins' registration notices (mailbox_notices: each names a client's
     * address and lives at most chorus.registration.notice-retention; a restored mailbox finds their texts gone
     * and treats them as expired), nor uploaded files (they live on the node that took them).
     */
    public static final List<String> TABLES = List.of("accounts", "all_persistence_ids", "metadata", "messages",
        "snapshots", "tag_views", "tag_write_progress", "tag_scanning", "mailbox_messages", "message_archive",
        "account_erasures");

    /** What one backup or restore went over. */
    public record Summary(Instant createdAt, String keyspace, int schemaVersion, Map<String, Long> rows, long expired) {
        public long total() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private Backup() {
    }

    /** Writes an encrypted backup of {@code keyspace} to {@code out}, and closes it. */
    public static Summary create(CqlSession session, String keyspace, int schemaVersion, OutputStream out, BackupKey key,
                                 Clock clock) throws IOException {
        BackupHeader header = BackupHeader.fresh(key);
        byte[] headerBytes = header.encode();
        out.write(headerBytes);
        Map<String, Long> rows = new LinkedHashMap<>();
        Instant now = clock.instant();
        try (DataOutputStream data = new DataOutputStream(new BufferedOutputStream(
                new ChunkCipher.Sealing(out, BackupKey.fileKey(key, header), headerBytes), ChunkCipher.CHUNK))) {
            Records.writeStart(data, keyspace, now, schemaVersion);
            KeyspaceDump dump = new KeyspaceDump(session, keyspace, clock);
            for (String table : TABLES) {
                if (dump.has(table)) {
                    rows.put(table, dump.write(table, data));
                }
            }
            Records.writeEnd(data, rows.size());
        }
        return new Summary(now, keyspace, schemaVersion, rows, 0);
    }

    /** Reads the whole backup, checking every chunk and record, and writes nothing. */
    public static Summary verify(InputStream file, BackupKey key) throws IOException {
        return read(file, key, null);
    }

    /** Writes a verified backup's rows into {@code target}, whose keyspace must hold none of them yet. */
    public static Summary restore(InputStream file, BackupKey key, KeyspaceRestore target) throws IOException {
        return read(file, key, target);
    }

    private static Summary read(InputStream file, BackupKey key, KeyspaceRestore target) throws IOException {
        InputStream in = new BufferedInputStream(file, ChunkCipher.CHUNK + 64);
        BackupHeader header = BackupHeader.read(in);
        byte[] headerBytes = header.encode();
        try (ChunkCipher.Opening opening = new ChunkCipher.Opening(in, BackupKey.fileKey(key, header), headerBytes)) {
            DataInputStream data = new DataInputStream(new BufferedInputStream(opening, ChunkCipher.CHUNK));
            Summary s = Records.read(data, target);
            opening.drain();
            return s;
        }
    }
}
