package chorus.actors.feature.pep;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.StanzaError.Condition;

import java.util.List;

/** XEP-0060 §6.5.7 and §6.5.8, shared by PEP and the pubsub service: the newest max_items, and the answer. */
public final class ItemsAnswer {
    private ItemsAnswer() {
    }

    /** The newest {@code maxItems} of {@code items} (oldest first); bad-request unless it is a positive number. */
    public static List<PepItem> newest(List<PepItem> items, String maxItems) {
        int m;
        try {
            m = Integer.parseInt(maxItems);
        } catch (NumberFormatException e) {
            m = 0;
        }
        if (m < 1) {
            throw PepError.of(Condition.BAD_REQUEST);
        }
        return items.subList(Math.max(0, items.size() - m), items.size());
    }

    /** {@code <pubsub><items node='...'>} with these items, for the result of an items request. */
    public static Element of(String node, List<PepItem> items) {
        Element.Builder b = Element.build("items", PepHandler.NS).attr("node", node);
        items.forEach(i -> b.child(i.toElement(PepHandler.NS)));
        return Element.build("pubsub", PepHandler.NS).child(b.get()).get();
    }
}
