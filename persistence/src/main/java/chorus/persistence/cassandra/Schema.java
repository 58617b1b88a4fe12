package chorus.persistence.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chorus's keyspace and tables: versioned CQL files under {@code schema/} on the classpath, applied in order
 * and recorded in the keyspace's {@code schema_version} table. Applying is idempotent: every statement is
 * {@code IF NOT EXISTS} and a recorded version is not run again. Apply it from one process at a time (a node at
 * start, or an admin tool): Cassandra 5.0 handles concurrent creation of the same table badly.
 */
public record Schema(String keyspace, Replication replication) {
    private static final Logger log = LoggerFactory.getLogger(Schema.class);

    /** Placeholder for the keyspace name in the CQL files. */
    static final String KEYSPACE_PLACEHOLDER = "${keyspace}";

    // DDL waits for schema agreement; the driver's 2 s request timeout is too short on a busy machine.
    private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Every migration, oldest first. To change the schema add a file {@code schema/V<n>__<name>.cql} and a line
     * here; never edit a file that was released, a node that applied it would not see the change.
     */
    private static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "pekko_persistence"),
            new Migration(2, "accounts"),
            new Migration(3, "mailbox"),
            new Migration(4, "delivery_errors"),
            new Migration(5, "message_archive"),
            new Migration(6, "delivery_errors_ttl"),
            new Migration(7, "mailbox_notices"),
            new Migration(8, "invites"),
            new Migration(9, "account_erasures"),
            new Migration(10, "node_leases"));

    /** One versioned CQL file. */
    public record Migration(int version, String name) {
        public String resource() {
            return "schema/V" + version + "__" + name + ".cql";
        }

        /** The file as it is on the classpath, placeholders and all. */
        public String text() {
            try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(resource())) {
                if (in == null) {
                    throw new IllegalStateException("schema migration " + resource() + " is not on the classpath");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** SHA-256 of the file, recorded when applied, so a later edit of an applied file shows. */
        public String checksum() {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(text().getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The file's statements for one keyspace. */
        public List<String> statements(String keyspace) {
            return Schema.statements(text(), keyspace);
        }
    }

    public Schema {
        CassandraSettings.requireKeyspaceName(keyspace);
        Objects.requireNonNull(replication, "replication");
    }

    public static Schema of(CassandraSettings settings) {
        return new Schema(settings.keyspace(), settings.replication());
    }

    public static List<Migration> migrations() {
        return MIGRATIONS;
    }

    /**
     * Creates the keyspace if missing, then runs the migrations not yet recorded. Returns those it ran: none
     * when the schema was up to date.
     */
    public List<Migration> apply(CqlSession session) {
        session.execute(ddl(createKeyspace()));
        warnIfReplicationDiffers(session);
        session.execute(ddl("CREATE TABLE IF NOT EXISTS " + keyspace + ".schema_version ("
                + "version int PRIMARY KEY, name text, checksum text, applied_at timestamp)"));
        Map<Integer, String> applied = new HashMap<>();
        for (Row row : session.execute(SimpleStatement.newInstance(
                        "SELECT version, checksum FROM " + keyspace + ".schema_version")
                .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))) {
            applied.put(row.getInt("version"), row.getString("checksum"));
        }
        List<Migration> ran = new ArrayList<>();
        for (Migration m : MIGRATIONS) {
            String checksum = m.checksum();
            if (applied.containsKey(m.version())) {
                if (!checksum.equals(applied.get(m.version()))) {
                    log.warn("Schema migration {} changed after it was applied to keyspace {}; the change is not "
                            + "applied: put it into a new migration", m.resource(), keyspace);
                }
                continue;
            }
            for (String statement : m.statements(keyspace)) {
                session.execute(ddl(statement));
            }
            session.execute(SimpleStatement.newInstance("INSERT INTO " + keyspace
                                    + ".schema_version (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                            m.version(), m.name(), checksum, Instant.now())
                    .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM));
            log.info("Applied schema migration {} to keyspace {}", m.resource(), keyspace);
            ran.add(m);
        }
        return List.copyOf(ran);
    }

    String createKeyspace() {
        return "CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = " + replication.cql()
                + " AND durable_writes = true";
    }

    // Changing the replication of a keyspace in use needs a repair afterwards: an admin's decision.
    private void warnIfReplicationDiffers(CqlSession session) {
        Row row = session.execute(SimpleStatement.newInstance(
                "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", keyspace)).one();
        if (row == null) {
            return;
        }
        Map<String, String> actual = row.getMap("replication", String.class, String.class);
        if (!replication.asMap().equals(actual)) {
            log.warn("Keyspace {} has replication {}, the settings ask for {}; Chorus does not change it "
                    + "(ALTER KEYSPACE, then repair)", keyspace, actual, replication.cql());
        }
    }

    private static SimpleStatement ddl(String cql) {
        return SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT);
    }

    /** Splits a CQL file into statements: each ends with ';' at the end of a line; '--' lines are comments. */
    static List<String> statements(String text, String keyspace) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String t = line.strip();
            if (t.startsWith("--") || (t.isEmpty() && current.length() == 0)) {
                continue;
            }
            current.append(line.stripTrailing()).append('\n');
            if (t.endsWith(";")) {
                String statement = current.toString().strip();
                statements.add(statement.substring(0, statement.length() - 1).strip()
                        .replace(KEYSPACE_PLACEHOLDER, keyspace));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("schema file ends inside a statement (no ';'): " + current.toString().strip());
        }
        for (String s : statements) {
            if (s.contains("${")) {
                throw new IllegalStateException("unknown placeholder in schema statement: " + s);
            }
        }
        return List.copyOf(statements);
    }
}
