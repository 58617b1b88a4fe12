/** What the cluster's nodes keep in Cassandra about themselves: their leases ({@code node_leases}). */
package chorus.persistence.cluster;
