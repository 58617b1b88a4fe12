package chorus.node;

import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.metrics.NodeMetrics;
import chorus.actors.muc.RoomEntity;
import chorus.actors.user.UserEntity;
import chorus.node.c2s.SessionCounter;
import chorus.node.cluster.NodeLease;
import chorus.node.cluster.NodeLeases;
import chorus.node.metrics.ClusterGauges;
import chorus.node.metrics.LeaseGauges;
import chorus.node.metrics.NodeRegistry;
import chorus.node.metrics.Readiness;
import chorus.node.storage.NodeStorage;
import io.micrometer.core.instrument.Gauge;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the node measures of itself: its client sessions per transport (each transport's counter a child of the
 * node's), its open connections, the cluster's entities per type ({@link ClusterGauges}), its node lease where it has
 * one ({@link LeaseGauges}), and whether it is ready
 * ({@link Readiness}).
 *
 * @param gauges closed when the node stops
 */
record NodeMeters(SessionCounter tcp, SessionCounter webSocket, SessionCounter bosh, ClusterGauges gauges,
                  Readiness readiness) {

    static NodeMeters start(ActorSystem<Void> system, NodeRegistry registry, SessionCounter counter,
                            NodeStorage storage, boolean rooms) {
        SessionCounter tcp = counter.child();
        SessionCounter webSocket = counter.child();
        SessionCounter bosh = counter.child();
        NodeMetrics metrics = registry.metrics();
        metrics.sessions(NodeMetrics.Transport.TCP, tcp::sessions);
        metrics.sessions(NodeMetrics.Transport.WEBSOCKET, webSocket::sessions);
        metrics.sessions(NodeMetrics.Transport.BOSH, bosh::sessions);
        Gauge.builder("chorus.connections", counter, SessionCounter::connections)
            .description("open client connections on this node").register(registry.prometheus());
        Map<NodeMetrics.EntityType, EntityTypeKey<?>> types = new EnumMap<>(NodeMetrics.EntityType.class);
        types.put(NodeMetrics.EntityType.USER, UserEntity.KEY);
        types.put(NodeMetrics.EntityType.MAILBOX, MailboxEntity.KEY);
        if (rooms) {
            types.put(NodeMetrics.EntityType.ROOM, RoomEntity.KEY);
        }
        NodeLease lease = NodeLeases.of(system.classicSystem());
        if (lease != null) {
            LeaseGauges.register(lease, registry.prometheus());
        }
        ClusterGauges gauges = ClusterGauges.start(system, registry.prometheus(), types, Duration.ofSeconds(10));
        Readiness readiness = new Readiness(system, types.values().stream().map(EntityTypeKey::name).toList(),
            storage.session());
        return new NodeMeters(tcp, webSocket, bosh, gauges, readiness);
    }
}
