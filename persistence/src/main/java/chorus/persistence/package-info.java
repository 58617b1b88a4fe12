/** Storage: Cassandra sessions, schema, the local node launcher, and the stores beside the journal. */
package chorus.persistence;
