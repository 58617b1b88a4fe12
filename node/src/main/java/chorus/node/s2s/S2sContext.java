package chorus.node.s2s;

import chorus.actors.metrics.NodeMetrics;
import chorus.actors.router.Router;
import chorus.actors.s2s.ShardedRemotes;
import chorus.node.config.S2sSettings;
import chorus.node.stream.StreamLimits;
import chorus.node.tls.S2sTlsContexts;

import java.time.Clock;

/**
 * What every server-to-server stream of this node shares, both directions.
 *
 * @param router   where incoming stanzas go, and which domains this server answers for
 * @param remotes  the entities of the pairs of domains (a dialback key is verified through the pair's stream)
 * @param limits   what one stanza of a peer may weigh (as for clients)
 * @param streams  the incoming streams of this node, counted and bounded
 * @param connector opens outgoing connections
 * @param metrics  the node's meters, or null
 */
public record S2sContext(S2sSettings settings, StreamLimits limits, Router router, ShardedRemotes remotes,
                         S2sTlsContexts tls, PeerCertificates certificates, DialbackKeys keys, S2sResolver resolver,
                         S2sStreams streams, S2sConnector connector, NodeMetrics metrics, Clock clock) {

    SecureAuthPolicy policy() {
        return settings.policy();
    }

    void opened(NodeMetrics.Direction d) {
        if (metrics != null) {
            metrics.s2sOpened(d);
        }
    }

    void closed(NodeMetrics.Direction d) {
        if (metrics != null) {
            metrics.s2sClosed(d);
        }
    }

    @Override
    public String toString() {
        return "S2sContext[" + router.domain() + "]";
    }
}
