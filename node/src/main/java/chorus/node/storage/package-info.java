/** Which storage a node runs on: Cassandra (a local node of its own, or an external cluster), or memory. */
package chorus.node.storage;
