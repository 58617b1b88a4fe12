package chorus.actors.user;

import chorus.actors.feature.blocking.BlockRules;
import chorus.actors.feature.caps.Caps;
import chorus.actors.feature.caps.CapsCache;
import chorus.actors.feature.caps.CapsVerifier;
import chorus.actors.feature.pep.PepConfig;
import chorus.actors.feature.pep.PepHandler;
import chorus.actors.feature.pep.PepNode;
import chorus.actors.router.StanzaRouter;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
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
 * XEP-0163 §4.3 as the account's entity applies it: which available resources, the user's own and its contacts',
 * want which nodes (their caps' disco#info lists {@code node+notify}, XEP-0115 §6.2), and what they are sent: each
 * notification, and a node's last item when a resource comes online or starts to want the node (XEP-0163 §4.3.1).
 *
 * <p>Features are learnt by asking the resource for the disco#info of its caps, once per verification string on
 * this node ({@link CapsCache}), or per resource when the answer does not verify. Contacts are known from the
 * presence they send the user, so the contacts notified are those sharing presence both ways. Live state only:
 * after the entity restarts, resources are learnt again from their next presence.
 */
final class PepLogic {
    static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    static final String NOTIFY = "+notify";
    /** disco#info requests waiting for an answer; the oldest is forgotten beyond this. */
    static final int MAX_QUERIES = 256;

    private final BareJid user;
    private final StanzaRouter router;
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

    PepLogic(BareJid user, StanzaRouter router, CapsCache cache) {
        this.user = user;
        this.router = router;
        this.cache = cache;
    }

    /**
     * A resource's available presence: the user's own, or a contact's. {@code sendLast}: whether the resource
     * gets the last items of the nodes it newly wants (not when a session only binds again to a moved entity).
     */
    void available(UserEntity.State s, FullJid from, Presence p, boolean sendLast) {
        if (!from.bare().equals(user) && s.roster().get(from.bare()).isEmpty()) {
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
            learnt(s, from, now, known.get());
        } else if (!awaited(caps)) {
            ask(from, caps, true);
        }
    }

    /** The resource went offline, or is no longer told about (unavailable, error, session ended). */
    void gone(Jid from) {
        resources.remove(from);
        queries.values().removeIf(q -> q.jid().equals(from));
    }

    /** Presence to the account from someone else: availability changes what is tracked. */
    void inbound(UserEntity.State s, Presence p) {
        if (!(p.from() instanceof FullJid from)) {
            return;
        }
        if (p.type() == Presence.Type.AVAILABLE) {
            available(s, from, p, true);
        } else if (p.type() == Presence.Type.UNAVAILABLE || p.type() == Presence.Type.ERROR) {
            gone(from);
        }
    }

    /** Takes the answer to one of this account's disco#info requests; false when it is not one. */
    boolean answer(UserEntity.State s, Iq iq) {
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
                learnt(s, e.getKey(), i, features);
            } else if (q.shared()) {
                // Not the answer the hash promised: each resource announcing it is asked itself.
                ask(e.getKey(), i.caps, false);
            }
        }
        return true;
    }

    /** Sends a notification to every resource that wants the node and may see it. */
    void notify(UserEntity.State s, PepHandler.Notification n) {
        for (Map.Entry<FullJid, Interest> e : resources.entrySet()) {
            Set<String> f = e.getValue().features;
            if (f != null && f.contains(n.node() + NOTIFY) && allowed(s, e.getKey(), n.access())) {
                send(e.getKey(), n.event());
            }
        }
    }

    private void learnt(UserEntity.State s, FullJid jid, Interest i, Set<String> features) {
        i.features = Set.copyOf(features);
        if (i.before == null) {
            return;
        }
        for (Map.Entry<String, PepNode> e : s.pep().entrySet()) {
            String wish = e.getKey() + NOTIFY;
            PepNode node = e.getValue();
            if (i.features.contains(wish) && !i.before.contains(wish) && node.config().sendsLastOnPresence()
                && node.last().isPresent() && allowed(s, jid, node.config().access())) {
                send(jid, Element.build("event", PepHandler.EVENT).child(Element.build("items", PepHandler.EVENT)
                    .attr("node", e.getKey()).child(node.last().get().toElement(PepHandler.EVENT)).get()).get());
            }
        }
    }

    /**
     * XEP-0163 §4.1 auto-subscribe: the owner's resources, and contacts with a subscription from or both that the
     * user has not blocked; a whitelist node (with no list to edit) is the owner's alone.
     */
    private boolean allowed(UserEntity.State s, FullJid jid, String access) {
        if (jid.bare().equals(user)) {
            return true;
        }
        if (access.equals(PepConfig.WHITELIST) || BlockRules.blocks(s.blocked(), jid)) {
            return false;
        }
        return s.roster().get(jid.bare()).map(i -> i.subscription().hasFrom()).orElse(false);
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
        router.route(Iq.of(user, jid, id, Iq.Type.GET,
            Element.build("query", DISCO_INFO).attr("node", caps.discoNode()).get()));
    }

    /** XEP-0163 §4.3.2: a headline from the account's bare JID. */
    private void send(FullJid to, Element event) {
        router.route(new Message(user, to, "pep-" + nextId++, Message.Type.HEADLINE, null, List.of(event)));
    }

    void clear() {
        resources.clear();
        queries.clear();
    }
}
