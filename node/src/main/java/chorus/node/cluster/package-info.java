/**
 * What every node learns of the others a moment late, through the cluster's receptionist, and how a request for
 * something not known yet waits for it, bounded in time and number ({@link chorus.node.cluster.WaitingForPeers}):
 * a BOSH session's node, a component's stream on another node.
 */
package chorus.node.cluster;
