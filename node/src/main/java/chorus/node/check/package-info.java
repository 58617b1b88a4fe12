/** chorusctl check: what is wrong with a deployment (configuration, certificate, DNS, ports, Cassandra, cluster) and how to fix it. */
package chorus.node.check;
