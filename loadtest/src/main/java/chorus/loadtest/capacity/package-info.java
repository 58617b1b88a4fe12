/**
 * The capacity model of issue 18: measured costs per session, per login and per message, and stated traffic
 * assumptions, turned into the Chorus nodes, heap and Cassandra a deployment of a given size needs.
 */
package chorus.loadtest.capacity;
