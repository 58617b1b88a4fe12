package chorus.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaTest {

    @Test
    void migrationsAreNumberedFromOneWithoutGapsAndAreOnTheClasspath() {
        List<Schema.Migration> migrations = Schema.migrations();
        for (int i = 0; i < migrations.size(); i++) {
            Schema.Migration m = migrations.get(i);
            assertEquals(i + 1, m.version());
            assertTrue(m.name().matches("[a-z0-9_]+"), m.name());
            assertFalse(m.statements("ks").isEmpty(), m.resource());
        }
    }

    @Test
    void everyStatementOfAMigrationIsIdempotentAndQualifiedWithTheKeyspace() {
        for (Schema.Migration m : Schema.migrations()) {
            for (String s : m.statements("chorus_test")) {
                // A table is created if missing, or its options are set (setting them again changes nothing).
                assertTrue(s.startsWith("CREATE TABLE IF NOT EXISTS chorus_test.")
                    || s.matches("(?s)ALTER TABLE chorus_test\\.[a-z_]+\\s+WITH .*"), s);
                assertFalse(s.endsWith(";"), s);
            }
        }
    }

    @Test
    void theFirstMigrationHoldsTheJournalAndSnapshotTables() {
        List<String> tables = Schema.migrations().get(0).statements("ks").stream()
                .map(s -> s.substring("CREATE TABLE IF NOT EXISTS ks.".length()).split("[ (]")[0]).toList();
        assertEquals(List.of("messages", "tag_views", "tag_write_progress", "tag_scanning", "metadata",
                "all_persistence_ids", "snapshots"), tables);
    }

    @Test
    void statementsAreSplitAtSemicolonsThatEndALineAndCommentsAreDropped() {
        String cql = """
                -- a comment; with a semicolon
                CREATE TABLE IF NOT EXISTS ${keyspace}.a (
                  k text PRIMARY KEY,
                  v text);

                CREATE TABLE IF NOT EXISTS ${keyspace}.b (k text PRIMARY KEY) WITH comment = 'x; y';
                """;
        assertEquals(List.of("CREATE TABLE IF NOT EXISTS ks.a (\n  k text PRIMARY KEY,\n  v text)",
                "CREATE TABLE IF NOT EXISTS ks.b (k text PRIMARY KEY) WITH comment = 'x; y'"),
                Schema.statements(cql, "ks"));
    }

    @Test
    void aStatementWithoutItsSemicolonOrWithAnUnknownPlaceholderIsAnError() {
        assertThrows(IllegalStateException.class, () -> Schema.statements("CREATE TABLE ${keyspace}.a (k int)", "ks"));
        assertThrows(IllegalStateException.class, () -> Schema.statements("CREATE TABLE ${table} (k int);", "ks"));
    }

    @Test
    void theKeyspaceIsCreatedWithTheConfiguredReplication() {
        assertEquals("CREATE KEYSPACE IF NOT EXISTS chorus WITH replication = "
                        + "{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 3} AND durable_writes = true",
                new Schema("chorus", new Replication.NetworkTopology(Map.of("dc2", 3, "dc1", 3))).createKeyspace());
    }

    @Test
    void aKeyspaceNameThatWouldNeedQuotingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Schema("drop table x", new Replication.Simple(1)));
    }
}
