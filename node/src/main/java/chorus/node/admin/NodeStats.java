package chorus.node.admin;

import chorus.actors.ClusterMessage;
import chorus.node.c2s.SessionCounter;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * One per node, registered with the cluster's receptionist: tells any node's admin API how many client
 * connections and sessions this node holds (counts only, never addresses).
 */
public final class NodeStats {
    public static final ServiceKey<Get> KEY = ServiceKey.create(Get.class, "chorus-node-stats");

    public record Get(ActorRef<Stats> replyTo) implements ClusterMessage {
    }

    public record Stats(String node, int connections, int sessions) implements ClusterMessage {
    }

    private NodeStats() {
    }

    public static Behavior<Get> create(SessionCounter counter) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            String node = ctx.getSystem().address().hostPort();
            return Behaviors.receiveMessage(get -> {
                get.replyTo().tell(new Stats(node, counter.connections(), counter.sessions()));
                return Behaviors.same();
            });
        });
    }
}
