package chorus.node.check;

import chorus.persistence.cassandra.CassandraSessions;
import chorus.persistence.cassandra.CassandraSettings;
import chorus.persistence.cassandra.Schema;
import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;

import java.util.ArrayList;
import java.util.List;
import java.time.Duration;

/** Cassandra: a node answers, the keyspace exists and its schema is the one this Chorus expects. */
final class CassandraCheck {
    static final String AREA = "cassandra";

    private CassandraCheck() {
    }

    static List<Finding> run(CassandraSettings settings, Config config, boolean nodeRunning) {
        List<Finding> out = new ArrayList<>();
        if (settings.usesLocalNode()) {
            if (!nodeRunning) {
                out.add(Finding.ok(AREA, "no contact points: the node starts a local Cassandra of its own (not running now)"));
                return out;
            }
            settings = settings.withContactPoints(List.of(new java.net.InetSocketAddress("127.0.0.1",
                settings.local().cqlPort())));
        }
        String where = settings.contactPoints().stream().map(CassandraSettings::format).toList().toString();
        CqlSession session;
        try {
            session = CassandraSessions.probe(settings, config, Duration.ofSeconds(5));
        } catch (AllNodesFailedException e) {
            out.add(Finding.fail(AREA, "no Cassandra node answers at " + where,
                "start Cassandra, or correct CHORUS_CASSANDRA_CONTACT_POINTS (host:port of its CQL port, 9042 by default)"));
            return out;
        } catch (RuntimeException e) {
            out.add(Finding.fail(AREA, "cannot connect to " + where + ": " + e.getMessage(),
                "check CHORUS_CASSANDRA_CONTACT_POINTS and the datastax-java-driver settings (credentials, TLS)"));
            return out;
        }
        try (session) {
            Row local = session.execute("SELECT release_version FROM system.local").one();
            out.add(Finding.ok(AREA, "answers at " + where + " (Cassandra "
                + (local == null ? "?" : local.getString(0)) + ")"));
            String ks = settings.keyspace();
            if (session.getMetadata().getKeyspace(ks).isEmpty()) {
                out.add(Finding.fail(AREA, "keyspace " + ks + " does not exist", "run chorusctl schema apply (or start one node alone first)"));
                return out;
            }
            if (session.getMetadata().getKeyspace(ks).get().getTable("schema_version").isEmpty()) {
                out.add(Finding.fail(AREA, "keyspace " + ks + " has no schema_version table: not a Chorus keyspace, or never set up",
                    "run chorusctl schema apply"));
                return out;
            }
            int applied = 0;
            for (Row r : session.execute("SELECT version FROM " + ks + ".schema_version")) {
                applied = Math.max(applied, r.getInt(0));
            }
            int expected = Schema.migrations().get(Schema.migrations().size() - 1).version();
            if (applied < expected) {
                out.add(Finding.fail(AREA, "schema version " + applied + ", this Chorus needs " + expected,
                    "run chorusctl schema apply"));
            } else if (applied > expected) {
                out.add(Finding.warn(AREA, "schema version " + applied + " is newer than this Chorus knows (" + expected + ")",
                    "run the newer Chorus on every node"));
            } else {
                out.add(Finding.ok(AREA, "keyspace " + ks + " at schema version " + applied));
            }
        } catch (RuntimeException e) {
            out.add(Finding.fail(AREA, "a query failed: " + e.getMessage(), "check Cassandra's health (nodetool status)"));
        }
        return out;
    }
}
