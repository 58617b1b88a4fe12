package chorus.actors.feature.blocking;

import chorus.actors.feature.AccountData;
import chorus.actors.feature.Portable;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;

import java.util.List;

/**
 * The block list (XEP-0191), which XEP-0227 does not name: carried as the {@code <blocklist/>} a client would be
 * answered with (§3.2, an extension element the XEP allows), imported as the owner's {@code <block/>}.
 */
public final class BlockingPortable implements Portable {
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
        if (!child.is("blocklist", BlockingHandler.NS) || child.elements("item", BlockingHandler.NS).isEmpty()) {
            return List.of();
        }
        return List.of(Element.build("block", BlockingHandler.NS)
            .children(child.elements("item", BlockingHandler.NS)).get());
    }
}
