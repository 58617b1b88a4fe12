/**
 * How the nodes share one cluster safely: the join checks ({@link chorus.node.cluster.ShardCountCheck},
 * {@link chorus.node.cluster.LeaseCheck}); the node lease that keeps one writer per entity without waiting times
 * ({@link chorus.node.cluster.NodeLease}, {@link chorus.node.cluster.ShardLease},
 * {@link chorus.node.cluster.LeaseDowning}); and what every node learns of the others a moment late, through the
 * cluster's receptionist, with a request for something not known yet waiting for it, bounded in time and number
 * ({@link chorus.node.cluster.WaitingForPeers}): a BOSH session's node, a component's stream on another node.
 */
package chorus.node.cluster;
