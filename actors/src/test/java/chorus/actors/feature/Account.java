package chorus.actors.feature;

import chorus.actors.feature.blocking.BlockList;
import chorus.actors.feature.blocking.BlockRules;
import chorus.actors.feature.last.LastSeen;
import chorus.actors.feature.pep.PepEvent;
import chorus.actors.feature.pep.PepNode;
import chorus.actors.feature.pep.PepNodes;
import chorus.actors.feature.privatedata.PrivateStore;
import chorus.actors.feature.vcard.StoredVCard;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An account's data as the features see it, for handler tests: each feature's slice made from these fields; each
 * {@code with…} returns a changed copy.
 */
public record Account(Optional<Element> vcard, Map<String, Element> privateData, Set<Jid> blocklist,
                      Instant lastSeen, boolean online, Map<String, PepNode> pep) implements AccountData {

    public static final Account EMPTY = new Account(Optional.empty(), Map.of(), Set.of(), null, false, Map.of());

    public Account {
        privateData = Map.copyOf(privateData);
        blocklist = new LinkedHashSet<>(blocklist);
        pep = new LinkedHashMap<>(pep);
    }

    public Account(Optional<Element> vcard, Map<String, Element> privateData, Set<Jid> blocklist, Instant lastSeen,
                   boolean online) {
        this(vcard, privateData, blocklist, lastSeen, online, Map.of());
    }

    @Override
    public <S extends AccountSlice> S slice(SliceKey<S> key) {
        AccountSlice s = switch (key.name()) {
            case "vcard" -> new StoredVCard(vcard.orElse(null));
            case "private" -> new PrivateStore(privateData);
            case "blocking" -> new BlockList(List.copyOf(blocklist));
            case "last" -> new LastSeen(lastSeen);
            case "pep" -> new PepNodes(pep);
            default -> key.empty();
        };
        return key.type().cast(s);
    }

    @Override
    public IqContext.Relation relationOf(Jid other) {
        return IqContext.Relation.STRANGER;
    }

    @Override
    public boolean inRoster(Jid other) {
        return false;
    }

    @Override
    public List<Jid> presenceSubscribers() {
        return List.of();
    }

    @Override
    public boolean blocks(Jid other) {
        return BlockRules.blocks(blocklist, other);
    }

    @Override
    public Set<String> discoNodes(IqContext.Relation relation) {
        return pepNodesFor(relation);
    }

    /** The PEP nodes someone in this relation may learn of. */
    public Set<String> pepNodesFor(IqContext.Relation relation) {
        return new PepNodes(pep).visibleTo(relation);
    }

    /** The account after these PEP events, applied as the account applies them. */
    public Account withPep(List<? extends PepEvent> events) {
        Map<String, PepNode> m = pep;
        for (PepEvent e : events) {
            m = e.nodesAfter(m);
        }
        return new Account(vcard, privateData, blocklist, lastSeen, online, m);
    }

    public Account withVcard(Element v) {
        return new Account(Optional.of(v), privateData, blocklist, lastSeen, online, pep);
    }

    public Account withPrivate(Element e) {
        Map<String, Element> m = new LinkedHashMap<>(privateData);
        m.put(PrivateStore.key(e.ns(), e.name()), e);
        return new Account(vcard, m, blocklist, lastSeen, online, pep);
    }

    public Account withBlocklist(List<Jid> list) {
        return new Account(vcard, privateData, new LinkedHashSet<>(list), lastSeen, online, pep);
    }

    public Account withLastSeen(Instant at) {
        return new Account(vcard, privateData, blocklist, at, online, pep);
    }

    public Account withOnline(boolean on) {
        return new Account(vcard, privateData, blocklist, lastSeen, on, pep);
    }

    /** The context of an IQ to {@code account} from someone in this relation to it. */
    public IqContext context(Jid account, IqContext.Relation relation, Clock clock) {
        return new IqContext(new DomainJid(account.domain()), clock, account.bare(), relation, this);
    }
}
