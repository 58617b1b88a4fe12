package chorus.node.portable;

import chorus.actors.feature.blocking.BlockingHandler;
import chorus.actors.feature.pep.PepHandler;
import chorus.actors.feature.privatedata.PrivateHandler;
import chorus.actors.feature.roster.RosterXml;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code <user/>}'s children in parts small enough for one cluster message each. A container whose children are
 * taken one by one (the roster, private XML, the block list, PEP's node configurations and items) is split into
 * several copies of itself with some of its children each; anything else travels whole.
 */
final class Parts {
    private Parts() {
    }

    static boolean splittable(Element e) {
        return e.is("query", RosterXml.NS) || e.is("query", PrivateHandler.NS) || e.is("blocklist", BlockingHandler.NS)
            || e.is("pubsub", PepHandler.NS) || e.is("pubsub", PepHandler.OWNER) || e.is("items", PepHandler.NS);
    }

    /** The elements in order, in parts of at most {@code max} weight (an element that cannot be split: a part of its own). */
    static List<List<Element>> of(List<Element> elements, int max) {
        List<List<Element>> parts = new ArrayList<>();
        List<Element> current = new ArrayList<>();
        int weight = 0;
        for (Element e : elements) {
            for (Element piece : split(e, max)) {
                if (!current.isEmpty() && weight + piece.weight() > max) {
                    parts.add(current);
                    current = new ArrayList<>();
                    weight = 0;
                }
                current.add(piece);
                weight += piece.weight();
            }
        }
        if (!current.isEmpty() || parts.isEmpty()) {
            parts.add(current);
        }
        return parts;
    }

    /** Copies of a splittable container, each with some of its children and under {@code max} if it can be. */
    static List<Element> split(Element e, int max) {
        if (e.weight() <= max || !splittable(e)) {
            return List.of(e);
        }
        List<Element> out = new ArrayList<>();
        List<Node> children = new ArrayList<>();
        int weight = 0;
        for (Element c : e.elements()) {
            for (Element piece : split(c, max)) {
                if (!children.isEmpty() && weight + piece.weight() > max) {
                    out.add(e.withChildren(children));
                    children = new ArrayList<>();
                    weight = 0;
                }
                children.add(piece);
                weight += piece.weight();
            }
        }
        if (!children.isEmpty()) {
            out.add(e.withChildren(children));
        }
        return out;
    }
}
