/** Cluster frames: a message too large for one Artery frame travels in pieces and is put together again. */
package chorus.actors.cluster;
