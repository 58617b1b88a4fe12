package chorus.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RunningCassandra.class)
class SchemaIT {
    static final String KEYSPACE = RunningCassandra.keyspaceFor(SchemaIT.class);
    // Each test has its own keyspace: tests run in any order.
    static final String SIMPLE_KEYSPACE = KEYSPACE + "_simple";
    static final String NTS_KEYSPACE = KEYSPACE + "_nts";
    static CqlSession session;

    @BeforeAll
    static void connect() {
        session = RunningCassandra.session(RunningCassandra.settings(KEYSPACE));
    }

    @AfterAll
    static void dropKeyspaces() {
        if (session != null) {
            for (String ks : List.of(KEYSPACE, SIMPLE_KEYSPACE, NTS_KEYSPACE)) {
                session.execute("DROP KEYSPACE IF EXISTS " + ks);
            }
            session.close();
        }
    }

    static Set<String> tables(String keyspace) {
        return session.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", keyspace)
                .all().stream().map(r -> r.getString("table_name")).collect(Collectors.toSet());
    }

    static Map<String, String> replication(String keyspace) {
        return session.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", keyspace)
                .one().getMap("replication", String.class, String.class);
    }

    @Test
    void applyingTheSchemaTwiceCreatesEveryTableAndRecordsEachVersionOnce() {
        Schema schema = Schema.of(RunningCassandra.settings(KEYSPACE));

        assertEquals(Schema.migrations(), schema.apply(session));
        assertEquals(List.of(), schema.apply(session));

        assertEquals(Set.of("messages", "metadata", "all_persistence_ids", "tag_views", "tag_write_progress",
                "tag_scanning", "snapshots", "accounts", "mailbox_messages", "delivery_errors", "message_archive", "mailbox_notices", "invites", "invites_by_inviter",
                "account_erasures", "node_leases",
                "schema_version"), tables(KEYSPACE));
        List<Row> versions = session.execute("SELECT version, name, checksum FROM " + KEYSPACE + ".schema_version").all();
        assertEquals(Schema.migrations().size(), versions.size());
        for (Schema.Migration m : Schema.migrations()) {
            List<Row> rows = versions.stream().filter(r -> r.getInt("version") == m.version()).toList();
            assertEquals(1, rows.size());
            assertEquals(m.name(), rows.get(0).getString("name"));
            assertEquals(m.checksum(), rows.get(0).getString("checksum"));
        }
    }

    @Test
    void theKeyspaceGetsTheReplicationOfTheSettings() {
        Schema simple = Schema.of(RunningCassandra.settings(SIMPLE_KEYSPACE));
        simple.apply(session);
        assertEquals(Map.of("class", "org.apache.cassandra.locator.SimpleStrategy", "replication_factor", "1"),
                replication(SIMPLE_KEYSPACE));

        Schema perDatacenter = new Schema(NTS_KEYSPACE, new Replication.NetworkTopology(Map.of("datacenter1", 1)));
        perDatacenter.apply(session);
        assertEquals(Map.of("class", "org.apache.cassandra.locator.NetworkTopologyStrategy", "datacenter1", "1"),
                replication(NTS_KEYSPACE));
    }
}
