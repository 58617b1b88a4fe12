package chorus.actors.feature.bookmarks;

import chorus.actors.feature.AccountData;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.pep.PepConfig;
import chorus.actors.feature.pep.PepEvent;
import chorus.actors.feature.pep.PepItem;
import chorus.actors.feature.pep.PepLimits;
import chorus.actors.feature.pep.PepNode;
import chorus.actors.feature.pep.PepNodes;
import chorus.actors.feature.privatedata.PrivateStore;
import chorus.actors.feature.privatedata.PrivateStored;
import chorus.actors.xmpp.Element;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * XEP-0402 §5.3 in one account's entity: when the owner changes the bookmarks in one store, the other follows in
 * the same write. A XEP-0048 {@code <storage xmlns='storage:bookmarks'/>} stored in private XML (XEP-0049) becomes
 * one item per room in the {@code urn:xmpp:bookmarks:1} node (new and changed rooms published, the others
 * retracted); a publish, retract, purge or delete on that node rewrites the private storage's conferences (its URL
 * bookmarks are kept). Only rooms whose content differs are written, so nothing follows when the stores agree.
 *
 * <p>What follows obeys the limits of the store it lands in, as if the owner had written it there: rooms are dropped
 * from the node beyond its max_items, and nothing is derived when the node could not be created (max nodes), an
 * item would be too large, or the account's PEP data or private element would grow beyond its limit. The stores
 * then differ until the owner writes again; the write the owner made is never refused for the sake of the other.
 */
final class BookmarkSync implements AccountHooks {
    static final String KEY = PrivateStore.key(Conference.LEGACY, "storage");

    private final PepLimits pep;
    private final int privateMaxWeight;

    BookmarkSync(PepLimits pep, int privateMaxWeight) {
        this.pep = pep;
        this.privateMaxWeight = privateMaxWeight;
    }

    /** XEP-0402 §3's publish-options: the node a XEP-0402 client would create. */
    PepConfig nodeConfig() {
        return new PepConfig(PepConfig.WHITELIST, pep.maxItems(), "never");
    }

    @Override
    public List<AccountEvent> follow(List<AccountEvent> events, AccountData after) {
        boolean legacy = false;
        boolean pepChanged = false;
        for (AccountEvent e : events) {
            legacy |= e instanceof PrivateStored s && s.key().equals(KEY);
            pepChanged |= e instanceof PepEvent p && p.node().equals(Conference.NATIVE);
        }
        if (legacy == pepChanged) {
            // Neither (most writes), or both at once (an import carrying both stores): nothing to follow.
            return List.of();
        }
        return legacy ? List.copyOf(toNative(after)) : toLegacy(after);
    }

    // ---- XEP-0048 in private storage -> XEP-0402 items ----

    private List<PepEvent> toNative(AccountData data) {
        Map<String, Conference> wanted = legacy(data.slice(PrivateStore.KEY).elements().get(KEY));
        PepNodes nodes = data.slice(PepNodes.KEY);
        PepNode node = nodes.nodes().get(Conference.NATIVE);
        if (node == null && (wanted.isEmpty() || nodes.nodes().size() >= pep.maxNodes())) {
            return List.of();
        }
        PepConfig config = node == null ? nodeConfig() : node.config();
        Map<String, PepItem> present = new LinkedHashMap<>();
        if (node != null) {
            node.items().forEach(i -> present.put(i.id(), i));
        }
        List<PepEvent> events = new ArrayList<>();
        long weight = nodes.weight();
        for (PepItem i : present.values()) {
            if (!wanted.containsKey(i.id())) {
                events.add(new PepEvent.Retracted(Conference.NATIVE, i.id()));
                weight -= i.payload().weight() + i.id().length();
            }
        }
        for (Conference c : wanted.values()) {
            PepItem old = present.get(c.jid());
            Optional<Conference> was = old == null ? Optional.empty() : Conference.fromNative(old.id(), old.payload());
            if (was.isPresent() && was.get().equals(c)) {
                continue;
            }
            Element payload = c.toNative(old == null ? null
                : old.payload().child("extensions", Conference.NATIVE).orElse(null));
            if (payload.weight() > pep.maxItemSize()) {
                return List.of();
            }
            weight += payload.weight() + c.jid().length()
                - (old == null ? 0 : old.payload().weight() + old.id().length());
            events.add(new PepEvent.Published(Conference.NATIVE, config, new PepItem(c.jid(), payload)));
        }
        return weight > pep.maxTotalSize() ? List.of() : events;
    }

    /** The rooms of a XEP-0048 storage element, by room JID (the last of the same room wins). */
    static Map<String, Conference> legacy(Element storage) {
        Map<String, Conference> rooms = new LinkedHashMap<>();
        if (storage != null) {
            for (Element c : storage.elements("conference", Conference.LEGACY)) {
                Conference.fromLegacy(c).ifPresent(conf -> rooms.put(conf.jid(), conf));
            }
        }
        return rooms;
    }

    // ---- XEP-0402 items -> XEP-0048 in private storage ----

    private List<AccountEvent> toLegacy(AccountData data) {
        PepNode node = data.slice(PepNodes.KEY).nodes().get(Conference.NATIVE);
        Map<String, Conference> rooms = new LinkedHashMap<>();
        if (node != null) {
            for (PepItem i : node.items()) {
                Conference.fromNative(i.id(), i.payload()).ifPresent(c -> rooms.put(c.jid(), c));
            }
        }
        Element stored = data.slice(PrivateStore.KEY).elements().get(KEY);
        if (legacy(stored).equals(rooms)) {
            return List.of();
        }
        Element.Builder storage = Element.build("storage", Conference.LEGACY);
        rooms.values().forEach(c -> storage.child(c.toLegacy()));
        if (stored != null) {
            // XEP-0402 has no URL bookmarks: those of the legacy storage stay.
            stored.elements("url", Conference.LEGACY).forEach(storage::child);
        }
        Element after = storage.get();
        if (after.weight() > privateMaxWeight) {
            return List.of();
        }
        return List.of(new PrivateStored(KEY, after));
    }
}
