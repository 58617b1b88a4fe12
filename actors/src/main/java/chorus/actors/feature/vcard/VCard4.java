package chorus.actors.feature.vcard;

import chorus.actors.xmpp.Element;

import java.util.List;
import java.util.Optional;

/**
 * A vCard that a server kept as PEP nodes (XEP-0292 vCard4 over XMPP, XEP-0084 User Avatar), as Prosody's
 * mod_vcard_legacy (its default) does, turned into the vcard-temp vCard (XEP-0054) Chorus keeps: the fields the two
 * formats share, and the avatar as the PHOTO. Only for an import: Chorus answers vcard-temp and keeps the PEP nodes
 * as they are besides.
 */
final class VCard4 {
    static final String PUBSUB = "http://jabber.org/protocol/pubsub";
    static final String NODE = "urn:xmpp:vcard4";
    static final String NS = "urn:ietf:params:xml:ns:vcard-4.0";
    static final String AVATAR_DATA = "urn:xmpp:avatar:data";
    static final String AVATAR_METADATA = "urn:xmpp:avatar:metadata";

    private VCard4() {
    }

    /** The vcard-temp vCard of the vcard4 node among these PEP items ({@code <pubsub><items node=''/>…}), if any. */
    static Optional<Element> fromPepItems(Element pubsub) {
        if (!pubsub.is("pubsub", PUBSUB)) {
            return Optional.empty();
        }
        Optional<Element> card = lastPayload(pubsub, NODE).filter(c -> c.is("vcard", NS));
        if (card.isEmpty()) {
            return Optional.empty();
        }
        Element v = card.get();
        Element.Builder out = Element.build("vCard", VCardHandler.NS);
        text(v, "fn").ifPresent(t -> out.textChild("FN", VCardHandler.NS, t));
        v.child("n", NS).ifPresent(n -> {
            Element.Builder name = Element.build("N", VCardHandler.NS);
            String[][] parts = {{"surname", "FAMILY"}, {"given", "GIVEN"}, {"additional", "MIDDLE"},
                {"prefix", "PREFIX"}, {"suffix", "SUFFIX"}};
            for (String[] p : parts) {
                n.childText(p[0], NS).filter(t -> !t.isEmpty()).ifPresent(t -> name.textChild(p[1], VCardHandler.NS, t));
            }
            out.child(name.get());
        });
        text(v, "nickname").ifPresent(t -> out.textChild("NICKNAME", VCardHandler.NS, t));
        v.child("bday", NS).flatMap(b -> b.childText("date", NS)).ifPresent(t -> out.textChild("BDAY", VCardHandler.NS, t));
        for (Element e : v.elements("email", NS)) {
            e.childText("text", NS).ifPresent(t -> out.child(Element.build("EMAIL", VCardHandler.NS)
                .child(Element.of("INTERNET", VCardHandler.NS)).textChild("USERID", VCardHandler.NS, t).get()));
        }
        for (Element e : v.elements("tel", NS)) {
            e.childText("uri", NS).or(() -> e.childText("text", NS))
                .map(t -> t.startsWith("tel:") ? t.substring(4) : t)
                .ifPresent(t -> out.child(Element.build("TEL", VCardHandler.NS).textChild("NUMBER", VCardHandler.NS, t).get()));
        }
        for (Element e : v.elements("url", NS)) {
            e.childText("uri", NS).ifPresent(t -> out.textChild("URL", VCardHandler.NS, t));
        }
        text(v, "note").ifPresent(t -> out.textChild("DESC", VCardHandler.NS, t));
        text(v, "org").ifPresent(t -> out.child(Element.build("ORG", VCardHandler.NS)
            .textChild("ORGNAME", VCardHandler.NS, t).get()));
        text(v, "title").ifPresent(t -> out.textChild("TITLE", VCardHandler.NS, t));
        text(v, "role").ifPresent(t -> out.textChild("ROLE", VCardHandler.NS, t));
        for (Element a : v.elements("adr", NS)) {
            Element.Builder adr = Element.build("ADR", VCardHandler.NS);
            String[][] parts = {{"pobox", "POBOX"}, {"ext", "EXTADD"}, {"street", "STREET"}, {"locality", "LOCALITY"},
                {"region", "REGION"}, {"code", "PCODE"}, {"country", "CTRY"}};
            for (String[] p : parts) {
                a.childText(p[0], NS).filter(t -> !t.isEmpty()).ifPresent(t -> adr.textChild(p[1], VCardHandler.NS, t));
            }
            out.child(adr.get());
        }
        // XEP-0084: the avatar's bytes in the data node, its type in the metadata node's <info/>.
        lastPayload(pubsub, AVATAR_DATA).filter(d -> d.is("data", AVATAR_DATA)).map(Element::text)
            .filter(b -> !b.isBlank()).ifPresent(data -> {
                String type = lastPayload(pubsub, AVATAR_METADATA).flatMap(m -> m.child("info", AVATAR_METADATA))
                    .map(i -> i.attr("type")).orElse("image/png");
                out.child(Element.build("PHOTO", VCardHandler.NS).textChild("TYPE", VCardHandler.NS, type)
                    .textChild("BINVAL", VCardHandler.NS, data.strip()).get());
            });
        return Optional.of(out.get());
    }

    /** The payload of the last item of {@code node} (PEP items are written oldest first). */
    private static Optional<Element> lastPayload(Element pubsub, String node) {
        for (Element items : pubsub.elements("items", PUBSUB)) {
            if (node.equals(items.attr("node"))) {
                List<Element> all = items.elements("item", PUBSUB);
                return all.isEmpty() || all.get(all.size() - 1).elements().isEmpty() ? Optional.empty()
                    : Optional.of(all.get(all.size() - 1).elements().get(0));
            }
        }
        return Optional.empty();
    }

    /** A property's {@code <text/>} value (RFC 6351 §3), when it is not empty. */
    private static Optional<String> text(Element vcard, String property) {
        return vcard.child(property, NS).flatMap(p -> p.childText("text", NS)).filter(t -> !t.isEmpty());
    }
}
