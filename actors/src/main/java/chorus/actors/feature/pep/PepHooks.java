package chorus.actors.feature.pep;

import chorus.actors.caps.Caps;
import chorus.actors.caps.CapsCache;
import chorus.actors.caps.CapsVerifier;
import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountData;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.Decision;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.Requester;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * XEP-0163 §4.3 in one account's entity: which available resources, the user's own and its contacts', want which
 * nodes (their caps' disco#info lists {@code node+notify}, XEP-0115 §6.2), and what they are sent: each
 * notification, and a node's last item when a resource comes online or starts to want the node (XEP-0163 §4.3.1).
 *
 * <p>Features are learnt by asking the resource for the disco#info of its caps, once per verification string on
 * this node ({@link CapsCache}), or per resource when the answer does not verify. Contacts are known from the
 * presence they send the user, so the contacts notified are those sharing presence both ways. Live state only:
 * after the entity restarts, resources are learnt again from their next presence.
 */
final class PepHooks implements AccountHooks {
    static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    static final String NOTIFY = "+notify";
    /** disco#info requests waiting for an answer; the oldest is forgotten beyond this. */
    static final int MAX_QUERIES = 256;

    private final AccountContext ctx;
    private final PepHandler handler;
    private final CapsCache cache;
    /** Available resources with what their caps said and, once known, their features. */
    private final Map<FullJid, Interest> resources = new LinkedHashMap<>();
    private final Map<String, Query> queries = new LinkedHashMap<>();
    private long nextId = 1;

    /** A resource's wishes: features null while its disco#info is awaited; before: those of its previous caps. */
    private static final class Interest {
        final Caps caps;
        final Set<String> before;
        Set<String> features;

        Interest(Caps caps, Set<String> before) {
            this.caps = caps;
            this.before = before;
        }
    }

    /** A disco#info request out; shared: its answer may serve every resource with the same caps, once verified. */
    private record Query(FullJid jid, Caps caps, boolean shared) {
    }

    PepHooks(AccountContext ctx, PepHandler handler, CapsCache cache) {
        this.ctx = ctx;
        this.handler = handler;
        this.cache = cache;
    }

    // ---- requests ----

    @Override
    public boolean owns(Iq request, Requester requester) {
        return handler.owns(request);
    }

    /** The request's events persist, the answer goes back, then the notification to who wants it. */
    @Override
    public Decision handle(Iq request, Requester requester, AccountData data) {
        PepHandler.Outcome o = handler.decide(request, IqContext.of(ctx, requester, data));
        return Decision.persist(o.events(), after -> {
            ctx.route(o.reply());
            o.notification().ifPresent(n -> notify(after, n));
        });
    }

    @Override
    public Set<String> discoNodes(AccountData data, IqContext.Relation relation) {
        return data.slice(PepNodes.KEY).visibleTo(relation);
    }

    /**
     * Items another feature published or retracted in the account's nodes (a store kept in sync, such as
     * bookmarks): notified as the owner's own publish and retract would be (XEP-0060 §7.1.2.1, §7.2.2.1).
     */
    @Override
    public void followed(List<AccountEvent> derived, AccountData after) {
        for (AccountEvent e : derived) {
            if (e instanceof PepEvent.Published p) {
                notifyOf(after, p.node(), Element.build("items", PepHandler.EVENT).attr("node", p.node())
                    .child(p.item().toElement(PepHandler.EVENT)).get());
            } else if (e instanceof PepEvent.Retracted r) {
                notifyOf(after, r.node(), Element.build("items", PepHandler.EVENT).attr("node", r.node())
                    .child(Element.build("retract", PepHandler.EVENT).attr("id", r.itemId()).get()).get());
            }
        }
    }

    private void notifyOf(AccountData after, String node, Element items) {
        PepNode n = after.slice(PepNodes.KEY).nodes().get(node);
        if (n != null) {
            notify(after, new PepHandler.Notification(node, n.config().access(),
                Element.build("event", PepHandler.EVENT).child(items).get()));
        }
    }

    // ---- who wants what ----

    @Override
    public void resourcePresence(FullJid resource, Presence presence, boolean announced, AccountData data) {
        available(data, resource, presence, announced);
    }

    @Override
    public void resourceGone(FullJid resource) {
        resources.remove(resource);
        queries.values().removeIf(q -> q.jid().equals(resource));
    }

    /** Presence to the account from someone else: availability changes what is tracked. */
    @Override
    public void presenceIn(Presence p, AccountData data) {
        if (!(p.from() instanceof FullJid from)) {
            return;
        }
        if (p.type() == Presence.Type.AVAILABLE) {
            available(data, from, p, true);
        } else if (p.type() == Presence.Type.UNAVAILABLE || p.type() == Presence.Type.ERROR) {
            resourceGone(from);
        }
    }

    @Override
    public void erase() {
        resources.clear();
        queries.clear();
    }

    /**
     * A resource's available presence: the user's own, or a contact's. {@code sendLast}: whether the resource gets
     * the last items of the nodes it newly wants (not when a session only binds again to a moved entity).
     */
    private void available(AccountData data, FullJid from, Presence p, boolean sendLast) {
        if (!from.bare().equals(ctx.account()) && !data.inRoster(from)) {
            return;
        }
        Caps caps = Caps.of(p).orElse(null);
        Interest prev = resources.get(from);
        if (prev != null && Objects.equals(prev.caps, caps)) {
            return;
        }
        Set<String> before = prev == null ? Set.of() : prev.features != null ? prev.features : prev.before;
        Interest now = new Interest(caps, sendLast ? before : null);
        resources.put(from, now);
        if (caps == null) {
            // XEP-0163 §4.3.1: no caps, no +notify; nothing is sent to it.
            now.features = Set.of();
            return;
        }
        Optional<Set<String>> known = cache.features(caps);
        if (known.isPresent()) {
            learnt(data, from, now, known.get());
        } else if (!awaited(caps)) {
            ask(from, caps, true);
        }
    }

    /** Takes the answer to one of this account's disco#info requests; false when it is not one. */
    @Override
    public boolean answer(Iq iq, AccountData data) {
        Query q = iq.id() == null ? null : queries.get(iq.id());
        if (q == null || !q.jid().equals(iq.from())) {
            return false;
        }
        queries.remove(iq.id());
        Element query = iq.type() == Iq.Type.RESULT ? iq.payload().filter(e -> e.is("query", DISCO_INFO)).orElse(null) : null;
        Set<String> features = new HashSet<>();
        if (query != null) {
            for (Element f : query.elements("feature", DISCO_INFO)) {
                if (f.attr("var") != null) {
                    features.add(f.attr("var"));
                }
            }
        }
        boolean verified = query != null && CapsVerifier.verifies(q.caps(), query);
        if (verified) {
            cache.put(q.caps(), features);
        }
        for (Map.Entry<FullJid, Interest> e : List.copyOf(resources.entrySet())) {
            Interest i = e.getValue();
            if (i.features != null || !q.caps().equals(i.caps)) {
                continue;
            }
            if (e.getKey().equals(q.jid()) || verified) {
                learnt(data, e.getKey(), i, features);
            } else if (q.shared()) {
                // Not the answer the hash promised: each resource announcing it is asked itself.
                ask(e.getKey(), i.caps, false);
            }
        }
        return true;
    }

    // ---- what they are sent ----

    /** Sends a notification to every resource that wants the node and may see it. */
    private void notify(AccountData data, PepHandler.Notification n) {
        for (Map.Entry<FullJid, Interest> e : resources.entrySet()) {
            Set<String> f = e.getValue().features;
            if (f != null && f.contains(n.node() + NOTIFY) && allowed(data, e.getKey(), n.access())) {
                send(e.getKey(), n.event());
            }
        }
    }

    private void learnt(AccountData data, FullJid jid, Interest i, Set<String> features) {
        i.features = Set.copyOf(features);
        if (i.before == null) {
            return;
        }
        for (Map.Entry<String, PepNode> e : data.slice(PepNodes.KEY).nodes().entrySet()) {
            String wish = e.getKey() + NOTIFY;
            PepNode node = e.getValue();
            if (i.features.contains(wish) && !i.before.contains(wish) && node.config().sendsLastOnPresence()
                && node.last().isPresent() && allowed(data, jid, node.config().access())) {
                send(jid, Element.build("event", PepHandler.EVENT).child(Element.build("items", PepHandler.EVENT)
                    .attr("node", e.getKey()).child(node.last().get().toElement(PepHandler.EVENT)).get()).get());
            }
        }
    }

    /**
     * XEP-0163 §4.1 auto-subscribe: the owner's resources, and contacts with a subscription from or both that the
     * user has not blocked; a whitelist node (with no list to edit) is the owner's alone.
     */
    private boolean allowed(AccountData data, FullJid jid, String access) {
        if (jid.bare().equals(ctx.account())) {
            return true;
        }
        if (access.equals(PepConfig.WHITELIST) || data.blocks(jid)) {
            return false;
        }
        return data.relationOf(jid) == IqContext.Relation.CONTACT;
    }

    private boolean awaited(Caps caps) {
        return caps.verifiable() && queries.values().stream().anyMatch(q -> q.shared() && q.caps().equals(caps));
    }

    /** XEP-0115 §6.2: asks the resource for the disco#info of the node its caps name. */
    private void ask(FullJid jid, Caps caps, boolean shared) {
        if (queries.size() >= MAX_QUERIES) {
            Iterator<String> oldest = queries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        String id = "pep-caps-" + nextId++;
        queries.put(id, new Query(jid, caps, shared && caps.verifiable()));
        ctx.route(Iq.of(ctx.account(), jid, id, Iq.Type.GET,
            Element.build("query", DISCO_INFO).attr("node", caps.discoNode()).get()));
    }

    /** XEP-0163 §4.3.2: a headline from the account's bare JID. */
    private void send(FullJid to, Element event) {
        ctx.route(new Message(ctx.account(), to, "pep-" + nextId++, Message.Type.HEADLINE, null, List.of(event)));
    }
}
