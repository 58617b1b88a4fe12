package chorus.actors.feature.pep;

import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqContext.Relation;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.IqResult;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError.Condition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * XEP-0163 PEP: each account is a publish-subscribe service with its own nodes (section numbers of XEP-0060 1.26,
 * the protocol PEP uses). The owner publishes (§7.1, creating the node on first use, XEP-0163 §3), retracts (§7.2),
 * creates (§8.1), configures (§8.2), deletes (§8.4) and purges (§8.5); whoever the node's access model lets in
 * retrieves items (§6.5). Subscriptions are not asked for: contacts with a presence subscription are subscribed
 * (XEP-0163 §4.1 auto-subscribe), and get notifications for the nodes their clients announce {@code node+notify} for
 * (§4.3 filtered notifications), which the user entity sends from each {@link Outcome}.
 *
 * <p>Who is refused how: a contact asking for what only the owner may do gets forbidden; a stranger gets
 * service-unavailable for everything but an open node's items, the answer for an account that does not exist.
 */
public final class PepHandler implements IqHandler {
    public static final String NS = "http://jabber.org/protocol/pubsub";
    public static final String OWNER = NS + "#owner";
    public static final String EVENT = NS + "#event";

    private final PepLimits limits;
    private final Supplier<String> ids;

    public PepHandler(PepLimits limits) {
        this(limits, () -> UUID.randomUUID().toString());
    }

    /** {@code ids} names items published without an id (§7.1.1: the service generates one). */
    public PepHandler(PepLimits limits, Supplier<String> ids) {
        this.limits = limits;
        this.ids = ids;
    }

    public PepLimits limits() {
        return limits;
    }

    /**
     * What a request decided. The entity persists {@code events}, then sends {@code reply}, then, if there is one,
     * the {@code notification} to the resources that want it.
     */
    public record Outcome(Iq reply, List<PepEvent> events, Optional<Notification> notification) {
        public Outcome {
            events = List.copyOf(events);
        }

        static Outcome answer(Iq reply) {
            return new Outcome(reply, List.of(), Optional.empty());
        }
    }

    /**
     * An event notification (§7.1.2.1, §7.2.2.1, §8.4.2, §8.5.2): the {@code <event/>} element for the resources that
     * announced {@code node+notify}, among those the node's access model lets in.
     */
    public record Notification(String node, String access, Element event) {
        @Override
        public String toString() {
            return "PepNotification[" + node + "]";
        }
    }

    @Override
    public Set<String> discoFeatures() {
        // XEP-0163 §5 (with auto-create, auto-subscribe, filtered-notifications) and the XEP-0060 §10 features
        // of what is implemented here.
        Set<String> f = new java.util.TreeSet<>();
        f.add(NS);
        for (String s : List.of("publish", "auto-create", "auto-subscribe", "filtered-notifications",
            "publish-options", "create-nodes", "config-node", "delete-nodes", "purge-nodes", "retract-items",
            "retrieve-items", "persistent-items", "item-ids", "multi-items", "last-published", "access-presence",
            "access-open", "access-whitelist", "presence-notifications")) {
            f.add(NS + "#" + s);
        }
        return f;
    }

    @Override
    public boolean owns(Iq iq) {
        return iq.isRequest() && (iq.payloadIs(NS, "pubsub") || iq.payloadIs(OWNER, "pubsub"));
    }

    /** The reply and the events only; the user entity uses {@link #decide} to send the notifications too. */
    @Override
    public IqResult handle(Iq iq, IqContext ctx) {
        Outcome o = decide(iq, ctx);
        return o.events().isEmpty() ? IqResult.reply(o.reply()) : new IqResult.PersistThenReply(o.events(), o.reply());
    }

    public Outcome decide(Iq iq, IqContext ctx) {
        try {
            if (ctx.addressedToServer()) {
                // PEP lives at the accounts; the server itself is no pubsub service.
                throw PepError.of(Condition.SERVICE_UNAVAILABLE);
            }
            Element pubsub = iq.payload().orElseThrow();
            List<Element> children = pubsub.elements();
            if (children.isEmpty()) {
                throw PepError.of(Condition.BAD_REQUEST);
            }
            Element op = children.get(0);
            Map<String, PepNode> nodes = ctx.data().slice(PepNodes.KEY).nodes();
            if (pubsub.ns().equals(OWNER)) {
                ownerOnly(ctx.relation());
                return owner(iq, op, nodes);
            }
            switch (op.name()) {
                case "items":
                    requireType(iq, Iq.Type.GET);
                    return items(iq, op, ctx.relation(), nodes);
                case "publish":
                    requireType(iq, Iq.Type.SET);
                    ownerOnly(ctx.relation());
                    return publish(iq, op, pubsub.child("publish-options", NS), nodes);
                case "retract":
                    requireType(iq, Iq.Type.SET);
                    ownerOnly(ctx.relation());
                    return retract(iq, op, nodes);
                case "create":
                    requireType(iq, Iq.Type.SET);
                    ownerOnly(ctx.relation());
                    return create(iq, op, pubsub.child("configure", NS), nodes);
                case "subscribe":
                case "unsubscribe":
                    // XEP-0163 §4.1: subscriptions follow presence subscriptions.
                    throw PepError.unsupported("subscribe");
                case "subscriptions":
                    throw PepError.unsupported("retrieve-subscriptions");
                case "affiliations":
                    throw PepError.unsupported("retrieve-affiliations");
                default:
                    throw PepError.unsupported(op.name());
            }
        } catch (PepError e) {
            return Outcome.answer(e.reply(iq));
        }
    }

    private static void requireType(Iq iq, Iq.Type type) {
        if (iq.type() != type) {
            throw PepError.of(Condition.BAD_REQUEST);
        }
    }

    private static void ownerOnly(Relation r) {
        if (r == Relation.STRANGER) {
            throw PepError.of(Condition.SERVICE_UNAVAILABLE);
        }
        if (r != Relation.SELF) {
            throw PepError.of(Condition.FORBIDDEN);
        }
    }

    private static String nodeId(Element op) {
        String node = op.attr("node");
        if (node == null || node.isEmpty()) {
            throw PepError.of(Condition.BAD_REQUEST, "nodeid-required");
        }
        return node;
    }

    private static PepNode existing(Map<String, PepNode> nodes, String node) {
        PepNode n = nodes.get(node);
        if (n == null) {
            throw PepError.of(Condition.ITEM_NOT_FOUND);
        }
        return n;
    }

    /** §7.1: one item with one payload; the node is created on first use (auto-create) with the options asked for. */
    private Outcome publish(Iq iq, Element op, Optional<Element> options, Map<String, PepNode> nodes) {
        String node = nodeId(op);
        List<Element> items = op.elements("item", NS);
        if (items.isEmpty()) {
            // §7.1.3.6: a node that keeps items needs one.
            throw PepError.of(Condition.BAD_REQUEST, "item-required");
        }
        List<Element> payload = items.get(0).elements();
        if (items.size() > 1 || payload.size() > 1) {
            throw PepError.of(Condition.BAD_REQUEST, "invalid-payload");
        }
        if (payload.isEmpty()) {
            throw PepError.of(Condition.BAD_REQUEST, "payload-required");
        }
        if (payload.get(0).weight() > limits.maxItemSize()) {
            // §7.1.3.4
            throw PepError.of(Condition.NOT_ACCEPTABLE, "payload-too-big",
                "an item may be at most " + limits.maxItemSize() + " characters");
        }
        String id = items.get(0).attr("id");
        PepItem item = new PepItem(id == null || id.isEmpty() ? ids.get() : id, payload.get(0));
        PepNode before = nodes.get(node);
        if (before == null && nodes.size() >= limits.maxNodes()) {
            throw PepError.of(Condition.NOT_ALLOWED, "max-nodes-exceeded",
                "an account may have at most " + limits.maxNodes() + " nodes");
        }
        PepConfig base = before == null ? PepConfig.DEFAULT : before.config();
        Optional<PepConfig> wanted = PepOptions.apply(base, PepOptions.fields(options), limits, true);
        // §7.1.5: options that the node does not have (or that cannot be had) are a precondition not met.
        if (wanted.isEmpty() || (before != null && !wanted.get().equals(before.config()))) {
            throw PepError.of(Condition.CONFLICT, "precondition-not-met");
        }
        PepEvent.Published event = new PepEvent.Published(node, wanted.get(), item);
        checkTotal(event.nodesAfter(nodes));
        Element result = Element.build("pubsub", NS).child(Element.build("publish", NS).attr("node", node)
            .child(Element.build("item", NS).attr("id", item.id()).get()).get()).get();
        Element notification = Element.build("event", EVENT)
            .child(Element.build("items", EVENT).attr("node", node).child(item.toElement(EVENT)).get()).get();
        return new Outcome(iq.result(result), List.of(event),
            Optional.of(new Notification(node, wanted.get().access(), notification)));
    }

    private void checkTotal(Map<String, PepNode> after) {
        long total = 0;
        for (PepNode n : after.values()) {
            total += n.weight();
        }
        if (total > limits.maxTotalSize()) {
            throw PepError.of(Condition.NOT_ACCEPTABLE, null,
                "the account's published items may be at most " + limits.maxTotalSize() + " characters together");
        }
    }

    /** §7.2: the items go; subscribers hear of it when the request asks (notify). */
    private static Outcome retract(Iq iq, Element op, Map<String, PepNode> nodes) {
        String node = nodeId(op);
        List<String> ids = new ArrayList<>();
        for (Element i : op.elements("item", NS)) {
            String id = i.attr("id");
            if (id == null || id.isEmpty()) {
                throw PepError.of(Condition.BAD_REQUEST, "item-required");
            }
            ids.add(id);
        }
        if (ids.isEmpty()) {
            throw PepError.of(Condition.BAD_REQUEST, "item-required");
        }
        PepNode n = existing(nodes, node);
        List<PepEvent> events = new ArrayList<>();
        Element.Builder retracts = Element.build("items", EVENT).attr("node", node);
        for (String id : ids) {
            // §7.2.3.5
            n.item(id).orElseThrow(() -> PepError.of(Condition.ITEM_NOT_FOUND));
            events.add(new PepEvent.Retracted(node, id));
            retracts.child(Element.build("retract", EVENT).attr("id", id).get());
        }
        String notify = op.attr("notify");
        boolean tell = "true".equals(notify) || "1".equals(notify);
        return new Outcome(iq.result(), events, tell
            ? Optional.of(new Notification(node, n.config().access(), Element.build("event", EVENT).child(retracts.get()).get()))
            : Optional.empty());
    }

    /** §6.5: all items, the newest max_items, or those asked for by id; oldest first. */
    private static Outcome items(Iq iq, Element op, Relation relation, Map<String, PepNode> nodes) {
        String node = nodeId(op);
        PepNode n = nodes.get(node);
        String access = n == null ? PepConfig.PRESENCE : n.config().access();
        if (relation == Relation.STRANGER && !access.equals(PepConfig.OPEN)) {
            throw PepError.of(Condition.SERVICE_UNAVAILABLE);
        }
        // A whitelist node is the owner's alone; to others it does not exist.
        if (n == null || (relation != Relation.SELF && access.equals(PepConfig.WHITELIST))) {
            throw PepError.of(Condition.ITEM_NOT_FOUND);
        }
        List<PepItem> chosen = new ArrayList<>();
        List<Element> asked = op.elements("item", NS);
        if (!asked.isEmpty()) {
            for (Element a : asked) {
                n.item(a.attr("id") == null ? "" : a.attr("id")).ifPresent(chosen::add);
            }
            if (chosen.isEmpty()) {
                throw PepError.of(Condition.ITEM_NOT_FOUND);
            }
        } else {
            chosen.addAll(n.items());
            String max = op.attr("max_items");
            if (max != null) {
                chosen = ItemsAnswer.newest(chosen, max);
            }
        }
        return Outcome.answer(iq.result(ItemsAnswer.of(node, chosen)));
    }

    /** §8.1: a named node (PEP has no instant nodes, §8.1.3.7), with the configuration the form asks for. */
    private Outcome create(Iq iq, Element op, Optional<Element> configure, Map<String, PepNode> nodes) {
        String node = op.attr("node");
        if (node == null || node.isEmpty()) {
            throw PepError.of(Condition.NOT_ACCEPTABLE, "nodeid-required");
        }
        if (nodes.containsKey(node)) {
            throw PepError.of(Condition.CONFLICT);
        }
        if (nodes.size() >= limits.maxNodes()) {
            throw PepError.of(Condition.NOT_ALLOWED, "max-nodes-exceeded",
                "an account may have at most " + limits.maxNodes() + " nodes");
        }
        PepConfig config = PepOptions.apply(PepConfig.DEFAULT, PepOptions.fields(configure), limits, false)
            .orElseThrow(() -> PepError.of(Condition.NOT_ACCEPTABLE));
        return new Outcome(iq.result(), List.of(new PepEvent.Created(node, config)), Optional.empty());
    }

    /** The owner namespace: configure (§8.2), delete (§8.4), purge (§8.5). */
    private Outcome owner(Iq iq, Element op, Map<String, PepNode> nodes) {
        switch (op.name()) {
            case "configure": {
                String node = nodeId(op);
                PepNode n = existing(nodes, node);
                if (iq.type() == Iq.Type.GET) {
                    return Outcome.answer(iq.result(Element.build("pubsub", OWNER)
                        .child(Element.build("configure", OWNER).attr("node", node).child(PepOptions.form(n.config())).get())
                        .get()));
                }
                Optional<Element> x = op.child("x", DataForm.NS);
                if (x.isEmpty() || "cancel".equals(x.get().attr("type"))) {
                    return Outcome.answer(iq.result());
                }
                PepConfig config = PepOptions.apply(n.config(), PepOptions.fields(Optional.of(op)), limits, false)
                    .orElseThrow(() -> PepError.of(Condition.NOT_ACCEPTABLE));
                return new Outcome(iq.result(), List.of(new PepEvent.Configured(node, config)), Optional.empty());
            }
            case "delete": {
                requireType(iq, Iq.Type.SET);
                String node = nodeId(op);
                PepNode n = existing(nodes, node);
                Element event = Element.build("event", EVENT).child(Element.build("delete", EVENT).attr("node", node).get()).get();
                return new Outcome(iq.result(), List.of(new PepEvent.Deleted(node)),
                    Optional.of(new Notification(node, n.config().access(), event)));
            }
            case "purge": {
                requireType(iq, Iq.Type.SET);
                String node = nodeId(op);
                PepNode n = existing(nodes, node);
                Element event = Element.build("event", EVENT).child(Element.build("purge", EVENT).attr("node", node).get()).get();
                return new Outcome(iq.result(), List.of(new PepEvent.Purged(node)),
                    Optional.of(new Notification(node, n.config().access(), event)));
            }
            case "default":
                throw PepError.unsupported("retrieve-default");
            case "subscriptions":
                throw PepError.unsupported("manage-subscriptions");
            case "affiliations":
                throw PepError.unsupported("modify-affiliations");
            default:
                throw PepError.unsupported(op.name());
        }
    }
}
