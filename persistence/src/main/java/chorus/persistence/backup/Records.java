package chorus.persistence.backup;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plaintext inside a backup's chunks: a start record (keyspace, time, schema version), then per table
 * its columns and its rows (each column's serialized value, the row's expiry and write time), then an end
 * record. Lengths are bounded on reading.
 */
final class Records {
    static final int START = 'H';
    static final int TABLE = 'T';
    static final int ROW = 'R';
    static final int TABLE_END = 'E';
    static final int END = 'Z';
    static final int MAX_VALUE = 64 * 1024 * 1024;
    static final int MAX_COLUMNS = 256;

    /** A table's columns as the backup names them. */
    record Column(String name, String type, boolean key) {
    }

    /** One row: values in column order (null: no value), expiry in epoch seconds (0: none), write time in µs (or none). */
    record Row(ByteBuffer[] values, long expiresAt, Long writetime) {
    }

    private Records() {
    }

    static void writeStart(DataOutputStream out, String keyspace, Instant at, int schemaVersion) throws IOException {
        out.writeByte(START);
        out.writeUTF(keyspace);
        out.writeLong(at.toEpochMilli());
        out.writeInt(schemaVersion);
    }

    static void writeTable(DataOutputStream out, String table, List<Column> columns) throws IOException {
        out.writeByte(TABLE);
        out.writeUTF(table);
        out.writeShort(columns.size());
        for (Column c : columns) {
            out.writeUTF(c.name());
            out.writeUTF(c.type());
            out.writeBoolean(c.key());
        }
    }

    static void writeRow(DataOutputStream out, Row row) throws IOException {
        out.writeByte(ROW);
        out.writeLong(row.expiresAt());
        out.writeBoolean(row.writetime() != null);
        out.writeLong(row.writetime() == null ? 0 : row.writetime());
        for (ByteBuffer v : row.values()) {
            if (v == null) {
                out.writeInt(-1);
            } else {
                ByteBuffer b = v.duplicate();
                out.writeInt(b.remaining());
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                out.write(bytes);
            }
        }
    }

    static void writeTableEnd(DataOutputStream out, long rows) throws IOException {
        out.writeByte(TABLE_END);
        out.writeLong(rows);
    }

    static void writeEnd(DataOutputStream out, int tables) throws IOException {
        out.writeByte(END);
        out.writeInt(tables);
    }

    /** Reads every record; with a target, hands it each table and row. */
    static Backup.Summary read(DataInputStream in, KeyspaceRestore target) throws IOException {
        try {
            expect(in, START);
            String keyspace = in.readUTF();
            Instant at = Instant.ofEpochMilli(in.readLong());
            int schema = in.readInt();
            Map<String, Long> rows = new LinkedHashMap<>();
            long expired = 0;
            while (true) {
                int kind = in.readUnsignedByte();
                if (kind == END) {
                    if (in.readInt() != rows.size()) {
                        throw new BackupException("the backup's table count does not match: refused");
                    }
                    return new Backup.Summary(at, keyspace, schema, rows, expired);
                }
                if (kind != TABLE) {
                    throw new BackupException("unexpected record " + kind + " in the backup");
                }
                String table = in.readUTF();
                if (!Backup.TABLES.contains(table) || rows.containsKey(table)) {
                    throw new BackupException("unexpected table " + table + " in the backup");
                }
                int n = in.readUnsignedShort();
                if (n == 0 || n > MAX_COLUMNS) {
                    throw new BackupException("table " + table + " has " + n + " columns");
                }
                List<Column> columns = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    columns.add(new Column(in.readUTF(), in.readUTF(), in.readBoolean()));
                }
                KeyspaceRestore.TableWriter writer = target == null ? null : target.table(table, columns);
                long count = 0;
                while (true) {
                    int r = in.readUnsignedByte();
                    if (r == TABLE_END) {
                        if (in.readLong() != count) {
                            throw new BackupException("table " + table + ": the row count does not match: refused");
                        }
                        break;
                    }
                    if (r != ROW) {
                        throw new BackupException("unexpected record " + r + " in table " + table);
                    }
                    Row row = readRow(in, n);
                    count++;
                    if (writer != null && !writer.write(row)) {
                        expired++;
                    }
                }
                if (writer != null) {
                    writer.finish();
                }
                rows.put(table, count);
            }
        } catch (EOFException e) {
            throw new BackupException("the backup ends in the middle of a record: refused");
        }
    }

    private static Row readRow(DataInputStream in, int columns) throws IOException {
        long expiresAt = in.readLong();
        boolean hasWritetime = in.readBoolean();
        long writetime = in.readLong();
        ByteBuffer[] values = new ByteBuffer[columns];
        for (int i = 0; i < columns; i++) {
            int len = in.readInt();
            if (len < -1 || len > MAX_VALUE) {
                throw new BackupException("a value of " + len + " bytes in the backup");
            }
            if (len >= 0) {
                byte[] b = new byte[len];
                in.readFully(b);
                values[i] = ByteBuffer.wrap(b);
            }
        }
        return new Row(values, expiresAt, hasWritetime ? writetime : null);
    }

    private static void expect(DataInputStream in, int kind) throws IOException {
        int k = in.readUnsignedByte();
        if (k != kind) {
            throw new BackupException("the backup does not start with its start record");
        }
    }
}
