package chorus.actors.feature;

import chorus.actors.feature.pep.PepEvent;
import chorus.actors.feature.pep.PepNode;
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

/** An account's data as the features see it, for handler tests; each {@code with…} returns a changed copy. */
public record Account(Optional<Element> vcard, Map<String, Element> privateData, Set<Jid> blocklist,
                      Instant lastSeen, boolean online, Map<String, PepNode> pep) implements AccountView {

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

    /** The account after these PEP events, applied as the user entity applies them. */
    public Account withPep(List<? extends PepEvent> events) {
        Map<String, PepNode> m = pep;
        for (PepEvent e : events) {
            m = e.applyTo(m);
        }
        return new Account(vcard, privateData, blocklist, lastSeen, online, m);
    }

    public Account withVcard(Element v) {
        return new Account(Optional.of(v), privateData, blocklist, lastSeen, online, pep);
    }

    public Account withPrivate(Element e) {
        Map<String, Element> m = new LinkedHashMap<>(privateData);
        m.put(AccountView.privateKey(e.ns(), e.name()), e);
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
