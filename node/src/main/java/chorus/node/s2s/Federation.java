package chorus.node.s2s;

import chorus.actors.metrics.NodeMetrics;
import chorus.actors.router.Router;
import chorus.actors.s2s.RemoteDomain;
import chorus.actors.s2s.RemoteHandoff;
import chorus.actors.s2s.ShardedRemotes;
import chorus.node.config.ConnectionLimits;
import chorus.node.config.S2sSettings;
import chorus.node.stream.StreamLimits;
import chorus.node.tls.S2sTlsContexts;
import chorus.node.tls.TlsContexts;
import chorus.node.tls.TrustAnchors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;

/**
 * Federation on this node: the {@link RemoteDomain} entities (one per pair of domains, cluster-wide) with the
 * outgoing streams this node runs for those placed here, and the listeners for incoming streams. What the node
 * wires in one call.
 */
public final class Federation implements AutoCloseable {
    private final S2sServer server;
    private final S2sContext context;

    private Federation(S2sServer server, S2sContext context) {
        this.server = server;
        this.context = context;
    }

    /**
     * Starts federation for the router's domains.
     *
     * @param clusterSecret the secret every node of the cluster shares, for the dialback keys when
     *                      {@code chorus.s2s.dialback-secret} is not set
     * @param maxDepth      the deepest element nesting accepted from a peer (as from clients)
     * @param connection    the element and write-buffer limits of a connection, as for clients
     */
    public static Federation start(S2sSettings settings, InetAddress bind, int maxDepth, ConnectionLimits connection,
                                   ActorSystem<?> system,
                                   ClusterSharding sharding, Router router, ShardedRemotes remotes, TlsContexts tls,
                                   byte[] clusterSecret, NodeMetrics metrics, Clock clock) throws InterruptedException {
        S2sTlsContexts s2sTls = S2sTlsContexts.create(tls);
        StreamLimits limits = new StreamLimits(settings.maxStanzaSize(), maxDepth, StreamLimits.DEFAULTS.maxHeaderBytes(),
            connection.maxAttributes(), connection.maxNamespaces());
        S2sServer server = S2sServer.create(s2sTls, limits, settings.readRateLimit(), connection,
            settings.connectTimeout());
        try {
            S2sContext context = new S2sContext(settings, limits, router, remotes, s2sTls,
                new PeerCertificates(TrustAnchors.load(settings.systemCas(), settings.caFiles()), clock),
                settings.dialbackKeys(clusterSecret), S2sResolver.create(settings.resolver()),
                new S2sStreams(settings.maxIncomingStreams(), settings.maxPerAddress()), server.connector(), metrics, clock);
            RemoteDomain.init(sharding, ClusterShardingSettings.create(system),
                new RemoteDomain.Deps(router, OutgoingStream.factory(context), settings.remote(), clock));
            // What no client session holds (presences, IQs, rooms' traffic) waits on this node until its entity is done
            // with it, and is handed again when that entity's node died.
            remotes.handOffThrough(system.systemActorOf(RemoteHandoff.create(remotes.entities(), router,
                settings.remote(), clock), "s2s-handoff", org.apache.pekko.actor.typed.Props.empty()));
            server.listen(context, system, bind);
            // The outgoing streams' connections close with the entities, when the actor system stops: their event
            // loops end after it.
            system.getWhenTerminated().thenRun(server::close);
            return new Federation(server, context);
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
    }

    /** Incoming streams of this node. */
    public int incomingStreams() {
        return context.streams().incoming();
    }

    /**
     * Stops accepting and ends the incoming streams with system-shutdown. The outgoing streams end with their entities
     * when the actor system stops.
     */
    @Override
    public void close() {
        server.stopListening();
        context.streams().shutdownAll();
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (context.streams().incoming() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }
}
