package chorus.actors.feature.blocking;

import chorus.actors.feature.AccountData;
import chorus.actors.feature.Portable;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;

import java.util.List;

/**
 * The block list (XEP-0191), which XEP-0227 does not name: carried as the {@code <blocklist/>} a client would be
 * answered with (§3.2, an extension element the XEP allows), imported as the owner's {@code <block/>}. A server that
 * keeps its block list as a privacy list (XEP-0016; ejabberd's {@code <default name='Blocked contacts'/>}) exports
 * privacy lists instead: the addresses its default list denies everything from are imported as blocked, the other
 * rules are named as left out.
 */
public final class BlockingPortable implements Portable {
    static final String PRIVACY = "jabber:iq:privacy";

    @Override
    public List<Element> export(AccountData data) {
        List<Jid> blocked = data.slice(BlockList.KEY).blocked();
        if (blocked.isEmpty()) {
            return List.of();
        }
        Element.Builder list = Element.build("blocklist", BlockingHandler.NS);
        blocked.forEach(j -> list.child(Element.build("item", BlockingHandler.NS).attr("jid", j.toString()).get()));
        return List.of(list.get());
    }

    @Override
    public List<Element> requests(Element child) {
        if (child.is("query", PRIVACY)) {
            List<Element> items = blockedByDefaultList(child).stream()
                .map(j -> Element.build("item", BlockingHandler.NS).attr("jid", j).get()).toList();
            return items.isEmpty() ? List.of() : List.of(Element.build("block", BlockingHandler.NS).children(items).get());
        }
        if (!child.is("blocklist", BlockingHandler.NS) || child.elements("item", BlockingHandler.NS).isEmpty()) {
            return List.of();
        }
        return List.of(Element.build("block", BlockingHandler.NS)
            .children(child.elements("item", BlockingHandler.NS)).get());
    }

    @Override
    public List<String> leftOut(Element child) {
        if (!child.is("query", PRIVACY)) {
            return List.of();
        }
        long rules = child.elements("list", PRIVACY).stream().mapToLong(l -> l.elements("item", PRIVACY).size()).sum();
        long taken = blockedByDefaultList(child).size();
        return rules > taken
            ? List.of((rules - taken) + " privacy list rule(s) (XEP-0016) other than the blocked addresses of the default "
                + "list are not carried")
            : List.of();
    }

    /**
     * The addresses the default privacy list denies every stanza from: items of type {@code jid} with action
     * {@code deny} and no child (a child limits the rule to some stanzas), which is a block list (XEP-0191 §3).
     */
    static List<String> blockedByDefaultList(Element query) {
        String name = query.child("default", PRIVACY).map(d -> d.attr("name")).orElse(null);
        if (name == null) {
            return List.of();
        }
        return query.elements("list", PRIVACY).stream().filter(l -> name.equals(l.attr("name"))).findFirst()
            .map(l -> l.elements("item", PRIVACY).stream()
                .filter(i -> "jid".equals(i.attr("type")) && "deny".equals(i.attr("action")) && i.attr("value") != null
                    && i.elements().isEmpty())
                .map(i -> i.attr("value")).toList())
            .orElse(List.of());
    }
}
