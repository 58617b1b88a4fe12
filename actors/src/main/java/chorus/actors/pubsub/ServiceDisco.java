package chorus.actors.pubsub;

import chorus.actors.feature.disco.DiscoHandler;
import chorus.actors.feature.disco.DiscoReply;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * XEP-0030 at the service (XEP-0060 §5): the service's identity pubsub/service and its features; its nodes in
 * disco#items (the open ones, and the requester's own); each node a leaf.
 */
final class ServiceDisco {
    /** XEP-0060 §10 features of what {@link PubSubLogic} and {@link OwnerOps} implement. */
    static final List<String> FEATURES = List.of("access-open", "access-whitelist", "config-node", "create-nodes",
        "create-and-configure", "delete-items", "delete-nodes", "instant-nodes", "item-ids", "persistent-items",
        "publish", "publish-options", "purge-nodes", "retract-items", "retrieve-default", "retrieve-items",
        "retrieve-subscriptions", "subscribe", "transient-nodes");

    /** The most nodes one disco#items answer lists. */
    static final int MAX_LISTED = 500;

    private ServiceDisco() {
    }

    static boolean owns(Iq iq) {
        return iq.payloadIs(DiscoHandler.INFO, "query") || iq.payloadIs(DiscoHandler.ITEMS, "query");
    }

    static Iq answer(Iq iq, Map<String, ServiceNode> nodes) {
        if (iq.type() != Iq.Type.GET) {
            return iq.error(StanzaError.of(StanzaError.Condition.BAD_REQUEST));
        }
        Element q = iq.payload().orElseThrow();
        String node = q.attr("node");
        String who = iq.from().bare().toString();
        boolean info = q.ns().equals(DiscoHandler.INFO);
        if (node != null) {
            ServiceNode n = nodes.get(node);
            if (n == null || !visible(n, who)) {
                return iq.error(StanzaError.of(StanzaError.Condition.ITEM_NOT_FOUND));
            }
            return iq.result(info ? DiscoReply.info(node).identity("pubsub", "leaf", null)
                .feature(PubSubLogic.NS).get() : DiscoReply.items(node).get());
        }
        if (info) {
            TreeSet<String> features = new TreeSet<>(List.of(PubSubLogic.NS, DiscoHandler.INFO, DiscoHandler.ITEMS));
            FEATURES.forEach(f -> features.add(PubSubLogic.NS + "#" + f));
            return iq.result(DiscoReply.info().identity("pubsub", "service", "Publish-subscribe").features(features).get());
        }
        // The first MAX_LISTED nodes the requester may see; the rest are reached by name.
        DiscoReply items = DiscoReply.items();
        nodes.entrySet().stream().filter(e -> visible(e.getValue(), who)).limit(MAX_LISTED)
            .forEach(e -> items.item(iq.to().toString(), e.getKey(), null));
        return iq.result(items.get());
    }

    private static boolean visible(ServiceNode n, String who) {
        return n.config().access().equals(NodeConfig.OPEN) || n.owner().equals(who);
    }
}
