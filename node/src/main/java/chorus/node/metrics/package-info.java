/** The node's Prometheus registry, its JVM, cluster and Cassandra driver meters, and the health checks. */
package chorus.node.metrics;
