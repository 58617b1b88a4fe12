/**
 * Server-to-server federation in the cluster (RFC 6120 §13, XEP-0220): one {@link chorus.actors.s2s.RemoteDomain}
 * entity per pair of domains owns the outgoing stream wherever sharding placed it; the stream itself is the node's.
 */
package chorus.actors.s2s;
