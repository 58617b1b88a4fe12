package chorus.actors.feature.privatedata;

import chorus.actors.feature.AccountData;
import chorus.actors.feature.Portable;
import chorus.actors.xmpp.Element;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * XEP-0227 §3.6: the account's private XML in one {@code <query xmlns='jabber:iq:private'/>}. Imported as the owner's
 * sets, one per namespace (XEP-0049 §2.3 takes one namespace per request).
 */
public final class PrivatePortable implements Portable {
    @Override
    public List<Element> export(AccountData data) {
        Map<String, Element> stored = data.slice(PrivateStore.KEY).elements();
        return stored.isEmpty() ? List.of()
            : List.of(Element.build("query", PrivateHandler.NS).children(List.copyOf(stored.values())).get());
    }

    @Override
    public List<Element> requests(Element child) {
        if (!child.is("query", PrivateHandler.NS)) {
            return List.of();
        }
        Map<String, List<Element>> byNs = new LinkedHashMap<>();
        for (Element e : child.elements()) {
            byNs.computeIfAbsent(e.ns(), ns -> new ArrayList<>()).add(e);
        }
        List<Element> out = new ArrayList<>();
        byNs.values().forEach(els -> out.add(Element.build("query", PrivateHandler.NS).children(els).get()));
        return out;
    }
}
