package chorus.actors.pubsub;

import chorus.actors.feature.pep.ItemsAnswer;
import chorus.actors.feature.pep.PepError;
import chorus.actors.feature.pep.PepItem;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.StanzaError.Condition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * XEP-0060 at the service (section numbers of XEP-0060 1.26), as pure decisions on the service's nodes: accounts of
 * the domain create nodes (§8.1, instant nodes too) and own what they created; the owner publishes (§7.1, with
 * publish-options preconditions, §7.1.5), retracts (§7.2), configures (§8.2), deletes (§8.4) and purges (§8.5);
 * anyone reads (§6.5) and subscribes (§6.1) to an open node, only the owner to a whitelist one. Subscribers get each
 * notification (§7.1.2.1) from the service's address.
 */
public final class PubSubLogic {
    static final String NS = "http://jabber.org/protocol/pubsub";
    static final String OWNER = NS + "#owner";
    static final String EVENT = NS + "#event";

    private final DomainJid service;
    private final String userDomain;
    private final PubSubSettings settings;
    private final Supplier<String> ids;

    public PubSubLogic(DomainJid service, String userDomain, PubSubSettings settings, Supplier<String> ids) {
        this.service = service;
        this.userDomain = userDomain;
        this.settings = settings;
        this.ids = ids;
    }

    /** What a request decided: persist the events, then send the reply, then the notifications. */
    public record Outcome(Iq reply, List<PubSubEvent> events, List<Message> notifications) {
        public Outcome {
            events = List.copyOf(events);
            notifications = List.copyOf(notifications);
        }

        static Outcome answer(Iq reply) {
            return new Outcome(reply, List.of(), List.of());
        }
    }

    public Outcome decide(Iq iq, Map<String, ServiceNode> nodes) {
        try {
            Element pubsub = iq.payload().orElseThrow();
            List<Element> ops = pubsub.elements();
            if (ops.isEmpty()) {
                throw PepError.of(Condition.BAD_REQUEST);
            }
            Element op = ops.get(0);
            String who = iq.from().bare().toString();
            if (pubsub.ns().equals(OWNER)) {
                return new OwnerOps(this, iq, who, nodes).decide(op);
            }
            boolean get = iq.type() == Iq.Type.GET;
            switch (op.name() + (get ? "?" : "!")) {
                case "items?":
                    return items(iq, op, who, nodes);
                case "subscriptions?":
                    return subscriptions(iq, op, iq.from(), nodes);
                case "create!":
                    return create(iq, op, pubsub.child("configure", NS), who, nodes);
                case "publish!":
                    return publish(iq, op, pubsub.child("publish-options", NS), who, nodes);
                case "retract!":
                    return retract(iq, op, who, nodes);
                case "subscribe!":
                    return subscribe(iq, op, true, nodes);
                case "unsubscribe!":
                    return subscribe(iq, op, false, nodes);
                default:
                    throw PepError.unsupported(op.name());
            }
        } catch (PepError e) {
            return Outcome.answer(e.reply(iq));
        }
    }

    /**
     * A removed account leaves nothing at the service: the nodes it owned are deleted (their subscribers told,
     * §8.4.2) and its subscriptions end. The reply of the outcome is null.
     */
    public Outcome forget(String account, Map<String, ServiceNode> nodes) {
        List<PubSubEvent> events = new ArrayList<>();
        List<Message> told = new ArrayList<>();
        nodes.forEach((id, n) -> {
            if (n.owner().equals(account)) {
                events.add(new PubSubEvent.Deleted(id));
                told.addAll(notify(n, id, Element.build("delete", EVENT).attr("node", id).get()));
                return;
            }
            for (String s : n.subscribers()) {
                Jid j = Jid.parseOrNull(s);
                if (j != null && j.bare().toString().equals(account)) {
                    events.add(new PubSubEvent.Subscribed(id, s, false));
                }
            }
        });
        return new Outcome(null, events, told);
    }

    static String nodeId(Element op) {
        String node = op.attr("node");
        if (node == null || node.isEmpty()) {
            throw PepError.of(Condition.BAD_REQUEST, "nodeid-required");
        }
        return node;
    }

    static ServiceNode existing(Map<String, ServiceNode> nodes, String node) {
        ServiceNode n = nodes.get(node);
        if (n == null) {
            throw PepError.of(Condition.ITEM_NOT_FOUND);
        }
        return n;
    }

    /** The fields of the data form inside {@code parent}, var to first value, without FORM_TYPE. */
    static Map<String, String> fields(Optional<Element> parent) {
        return chorus.actors.feature.pep.PepOptions.fields(parent);
    }

    PubSubSettings settings() {
        return settings;
    }

    /** §6.5.9.3 / §6.1.3.5: a whitelist node is the owner's; to others it is closed. */
    private static void mayRead(ServiceNode n, String who) {
        if (n.config().access().equals(NodeConfig.WHITELIST) && !n.owner().equals(who)) {
            throw PepError.of(Condition.NOT_ALLOWED, "closed-node");
        }
    }

    /** §8.1: accounts of this domain create nodes, named or instant (§8.1.2), up to the service's limits. */
    private Outcome create(Iq iq, Element op, Optional<Element> configure, String who, Map<String, ServiceNode> nodes) {
        if (!iq.from().domain().equals(userDomain)) {
            throw PepError.of(Condition.FORBIDDEN);
        }
        String asked = op.attr("node");
        String node = asked == null || asked.isEmpty() ? ids.get() : asked;
        if (nodes.containsKey(node)) {
            throw PepError.of(Condition.CONFLICT);
        }
        long owned = nodes.values().stream().filter(n -> n.owner().equals(who)).count();
        if (nodes.size() >= settings.maxNodes() || owned >= settings.maxNodesPerOwner()) {
            throw PepError.of(Condition.NOT_ALLOWED, "max-nodes-exceeded", "the service holds at most "
                + settings.maxNodes() + " nodes, at most " + settings.maxNodesPerOwner() + " of one owner");
        }
        NodeConfig config = NodeConfig.defaults(settings.limits()).with(fields(configure), settings.limits(), false)
            .orElseThrow(() -> PepError.of(Condition.NOT_ACCEPTABLE));
        Iq reply = asked == null || asked.isEmpty()
            ? iq.result(Element.build("pubsub", NS).child(Element.build("create", NS).attr("node", node).get()).get())
            : iq.result();
        return new Outcome(reply, List.of(new PubSubEvent.Created(node, who, config)), List.of());
    }

    /** §7.1: the owner publishes; what the node keeps and what subscribers hear follow its configuration. */
    private Outcome publish(Iq iq, Element op, Optional<Element> options, String who, Map<String, ServiceNode> nodes) {
        String node = nodeId(op);
        ServiceNode n = existing(nodes, node);
        if (!n.owner().equals(who)) {
            throw PepError.of(Condition.FORBIDDEN);
        }
        // §7.1.5: the options asked for must be the node's.
        Optional<NodeConfig> wanted = n.config().with(fields(options), settings.limits(), true);
        if (wanted.isEmpty() || !wanted.get().equals(n.config())) {
            throw PepError.of(Condition.CONFLICT, "precondition-not-met");
        }
        List<Element> items = op.elements("item", NS);
        if (!n.config().itemRequired()) {
            // §7.1.3.6: a transient, notification-only node takes no item.
            if (!items.isEmpty()) {
                throw PepError.of(Condition.BAD_REQUEST, "item-forbidden");
            }
            return new Outcome(iq.result(), List.of(), notify(n, node, Element.build("items", EVENT).attr("node", node)
                .child(Element.build("item", EVENT).attr("id", ids.get()).get()).get()));
        }
        if (items.isEmpty()) {
            throw PepError.of(Condition.BAD_REQUEST, "item-required");
        }
        List<Element> payload = items.get(0).elements();
        if (items.size() > 1 || payload.size() != 1) {
            throw PepError.of(Condition.BAD_REQUEST, payload.isEmpty() ? "payload-required" : "invalid-payload");
        }
        if (payload.get(0).weight() > settings.limits().maxItemSize()) {
            throw PepError.of(Condition.NOT_ACCEPTABLE, "payload-too-big",
                "an item may be at most " + settings.limits().maxItemSize() + " characters");
        }
        String id = items.get(0).attr("id");
        PepItem item = new PepItem(id == null || id.isEmpty() ? ids.get() : id, payload.get(0));
        List<PubSubEvent> events = new ArrayList<>();
        if (n.config().persist()) {
            PubSubEvent.Published p = new PubSubEvent.Published(node, item);
            long total = 0;
            for (ServiceNode after : p.applyTo(nodes).values()) {
                total += after.weight();
            }
            if (total > settings.limits().maxTotalSize()) {
                throw PepError.of(Condition.NOT_ACCEPTABLE, null, "the service's items may be at most "
                    + settings.limits().maxTotalSize() + " characters together");
            }
            events.add(p);
        }
        Element shown = n.config().deliverPayloads() ? item.toElement(EVENT)
            : Element.build("item", EVENT).attr("id", item.id()).get();
        Element result = Element.build("pubsub", NS).child(Element.build("publish", NS).attr("node", node)
            .child(Element.build("item", NS).attr("id", item.id()).get()).get()).get();
        return new Outcome(iq.result(result), events,
            notify(n, node, Element.build("items", EVENT).attr("node", node).child(shown).get()));
    }

    /** §7.2: the owner retracts; subscribers hear of it when the request asks (notify). */
    private Outcome retract(Iq iq, Element op, String who, Map<String, ServiceNode> nodes) {
        String node = nodeId(op);
        ServiceNode n = existing(nodes, node);
        if (!n.owner().equals(who)) {
            throw PepError.of(Condition.FORBIDDEN);
        }
        List<PubSubEvent> events = new ArrayList<>();
        Element.Builder retracts = Element.build("items", EVENT).attr("node", node);
        for (Element i : op.elements("item", NS)) {
            String id = i.attr("id");
            if (id == null || n.item(id).isEmpty()) {
                throw PepError.of(id == null ? Condition.BAD_REQUEST : Condition.ITEM_NOT_FOUND);
            }
            events.add(new PubSubEvent.Retracted(node, id));
            retracts.child(Element.build("retract", EVENT).attr("id", id).get());
        }
        if (events.isEmpty()) {
            throw PepError.of(Condition.BAD_REQUEST, "item-required");
        }
        boolean tell = DataForm.isTrue(op.attr("notify"));
        return new Outcome(iq.result(), events, tell ? notify(n, node, retracts.get()) : List.of());
    }

    /** §6.5: all items, the newest max_items, or those asked for by id; oldest first. */
    private static Outcome items(Iq iq, Element op, String who, Map<String, ServiceNode> nodes) {
        String node = nodeId(op);
        ServiceNode n = existing(nodes, node);
        mayRead(n, who);
        List<PepItem> chosen = new ArrayList<>();
        List<Element> asked = op.elements("item", NS);
        if (!asked.isEmpty()) {
            for (Element a : asked) {
                n.item(String.valueOf(a.attr("id"))).ifPresent(chosen::add);
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

    /** §6.1 and §6.2: the JID subscribed is the requester's own (bare or full), up to the node's limit. */
    private Outcome subscribe(Iq iq, Element op, boolean on, Map<String, ServiceNode> nodes) {
        String node = nodeId(op);
        ServiceNode n = existing(nodes, node);
        Jid jid = Jid.parseOrNull(String.valueOf(op.attr("jid")));
        if (jid == null || !jid.bare().equals(iq.from().bare())) {
            // §6.1.3.1
            throw PepError.of(Condition.BAD_REQUEST, "invalid-jid");
        }
        String who = jid.toString();
        if (on) {
            mayRead(n, iq.from().bare().toString());
            if (!n.subscribers().contains(who) && n.subscribers().size() >= settings.maxSubscribers()) {
                throw PepError.of(Condition.NOT_ALLOWED, "too-many-subscriptions");
            }
        } else if (!n.subscribers().contains(who)) {
            // §6.2.3.2
            throw PepError.of(Condition.UNEXPECTED_REQUEST, "not-subscribed");
        }
        Iq reply = on ? iq.result(Element.build("pubsub", NS).child(subscription(node, who, "subscribed")).get())
            : iq.result();
        boolean changes = on != n.subscribers().contains(who);
        return new Outcome(reply, changes ? List.of(new PubSubEvent.Subscribed(node, who, on)) : List.of(), List.of());
    }

    /** §5.6: the requester's own subscriptions, at one node or all. */
    private static Outcome subscriptions(Iq iq, Element op, Jid from, Map<String, ServiceNode> nodes) {
        String only = op.attr("node");
        Element.Builder list = Element.build("subscriptions", NS);
        if (only != null) {
            list.attr("node", only);
        }
        nodes.forEach((id, n) -> {
            if (only == null || only.equals(id)) {
                for (String s : n.subscribers()) {
                    Jid j = Jid.parseOrNull(s);
                    if (j != null && j.bare().equals(from.bare())) {
                        list.child(subscription(id, s, "subscribed"));
                    }
                }
            }
        });
        return Outcome.answer(iq.result(Element.build("pubsub", NS).child(list.get()).get()));
    }

    static Element subscription(String node, String jid, String state) {
        return Element.build("subscription", NS).attr("node", node).attr("jid", jid).attr("subscription", state).get();
    }

    /** §7.1.2.1: one headline per subscriber, from the service. */
    List<Message> notify(ServiceNode n, String node, Element what) {
        Element event = Element.build("event", EVENT).child(what).get();
        List<Message> out = new ArrayList<>();
        for (String s : n.subscribers()) {
            Jid to = Jid.parseOrNull(s);
            if (to != null) {
                out.add(new Message(service, to, "ps-" + ids.get(), Message.Type.HEADLINE, null, List.of(event)));
            }
        }
        return out;
    }
}
