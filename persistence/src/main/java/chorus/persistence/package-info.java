/** Storage: everything Chorus keeps in Apache Cassandra, and the local node it starts when no cluster is configured. */
package chorus.persistence;
