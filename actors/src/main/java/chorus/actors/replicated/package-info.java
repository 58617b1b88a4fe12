/** Small maps replicated to every node of the cluster with Pekko Distributed Data. */
package chorus.actors.replicated;
