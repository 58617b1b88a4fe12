package chorus.actors.feature.pep;

import chorus.actors.xmpp.Element;

import java.util.Objects;

/** One published item: its id and its payload (exactly one element, XEP-0060 §7.1.3.5). */
public record PepItem(String id, Element payload) {
    public PepItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
    }

    /** The {@code <item/>} as it appears in results and notifications. */
    public Element toElement(String ns) {
        return Element.build("item", ns).attr("id", id).child(payload).get();
    }

    /** A location or a mood is personal data: print only the id. */
    @Override
    public String toString() {
        return "PepItem[" + id + "]";
    }
}
