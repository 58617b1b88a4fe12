/** Apache Cassandra plumbing: settings, driver sessions, the versioned schema and the local single-machine node. */
package chorus.persistence.cassandra;
