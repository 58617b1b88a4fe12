package chorus.actors.pubsub;

import chorus.actors.feature.pep.PepError;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError.Condition;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The owner namespace of XEP-0060 at the service: the default configuration (§8.3, anyone may ask), and for a
 * node's owner its configuration (§8.2), deletion (§8.4) and purge (§8.5).
 */
final class OwnerOps {
    private final PubSubLogic logic;
    private final Iq iq;
    private final String who;
    private final Map<String, ServiceNode> nodes;

    OwnerOps(PubSubLogic logic, Iq iq, String who, Map<String, ServiceNode> nodes) {
        this.logic = logic;
        this.iq = iq;
        this.who = who;
        this.nodes = nodes;
    }

    PubSubLogic.Outcome decide(Element op) {
        boolean get = iq.type() == Iq.Type.GET;
        switch (op.name() + (get ? "?" : "!")) {
            case "default?":
                return PubSubLogic.Outcome.answer(iq.result(Element.build("pubsub", PubSubLogic.OWNER)
                    .child(Element.build("default", PubSubLogic.OWNER).child(NodeConfig.defaults(logic.settings().limits()).form()).get()).get()));
            case "configure?": {
                String node = PubSubLogic.nodeId(op);
                ServiceNode n = owned(node);
                return PubSubLogic.Outcome.answer(iq.result(Element.build("pubsub", PubSubLogic.OWNER)
                    .child(Element.build("configure", PubSubLogic.OWNER).attr("node", node).child(n.config().form()).get())
                    .get()));
            }
            case "configure!": {
                String node = PubSubLogic.nodeId(op);
                ServiceNode n = owned(node);
                Optional<Element> x = op.child("x", DataForm.NS);
                if (x.isEmpty() || "cancel".equals(x.get().attr("type"))) {
                    return PubSubLogic.Outcome.answer(iq.result());
                }
                NodeConfig c = n.config().with(PubSubLogic.fields(Optional.of(op)), logic.settings().limits(), false)
                    .orElseThrow(() -> PepError.of(Condition.NOT_ACCEPTABLE));
                return new PubSubLogic.Outcome(iq.result(), List.of(new PubSubEvent.Configured(node, c)), List.of());
            }
            case "delete!": {
                String node = PubSubLogic.nodeId(op);
                ServiceNode n = owned(node);
                return new PubSubLogic.Outcome(iq.result(), List.of(new PubSubEvent.Deleted(node)),
                    logic.notify(n, node, Element.build("delete", PubSubLogic.EVENT).attr("node", node).get()));
            }
            case "purge!": {
                String node = PubSubLogic.nodeId(op);
                ServiceNode n = owned(node);
                return new PubSubLogic.Outcome(iq.result(), List.of(new PubSubEvent.Purged(node)),
                    logic.notify(n, node, Element.build("purge", PubSubLogic.EVENT).attr("node", node).get()));
            }
            default:
                throw PepError.unsupported(op.name());
        }
    }

    /** The node, when the requester owns it: §8.2.3.2 and the like answer forbidden to others. */
    private ServiceNode owned(String node) {
        ServiceNode n = PubSubLogic.existing(nodes, node);
        if (!n.owner().equals(who)) {
            throw PepError.of(Condition.FORBIDDEN);
        }
        return n;
    }
}
