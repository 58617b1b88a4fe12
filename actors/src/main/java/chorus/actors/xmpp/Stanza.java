package chorus.actors.xmpp;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;
import java.util.Optional;

/**
 * A message, presence or iq (RFC 6120 §8). Children keep their own namespaces; the stanza's own
 * namespace is the stream's ({@code jabber:client} or {@code jabber:server}) and is not stored.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "k")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Message.class, name = "m"),
    @JsonSubTypes.Type(value = Presence.class, name = "p"),
    @JsonSubTypes.Type(value = Iq.class, name = "i")})
public sealed interface Stanza permits Message, Presence, Iq {

    Jid from();

    Jid to();

    String id();

    /** The xml:lang of the stanza, or null. */
    String lang();

    List<Node> children();

    /** "message", "presence" or "iq". */
    String kind();

    /** The value of the type attribute as written, or null for the default. */
    String typeName();

    Stanza withFrom(Jid from);

    Stanza withTo(Jid to);

    Stanza withFromTo(Jid from, Jid to);

    /** True for a stanza of type error: never answered with another error (RFC 6120 §8.3.1). */
    boolean isError();

    default Optional<Element> child(String name, String ns) {
        for (Node n : children()) {
            if (n instanceof Element e && e.is(name, ns)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    default boolean hasChild(String name, String ns) {
        return child(name, ns).isPresent();
    }

    /** The stanza as an element in the given stream namespace. */
    default Element toElement(String streamNs) {
        Element.Builder b = Element.build(kind(), streamNs)
            .attr("from", from() == null ? null : from().toString())
            .attr("to", to() == null ? null : to().toString())
            .attr("id", id())
            .attr("type", typeName())
            .attr("xml:lang", lang());
        return b.children(children()).get();
    }

    /**
     * The error reply to this stanza (RFC 6120 §8.3): addressed back to the sender, from the intended
     * recipient, with the original payload. Null if this stanza is itself an error.
     */
    default Stanza errorReply(StanzaError error) {
        if (isError()) {
            return null;
        }
        Jid replyFrom = to();
        Jid replyTo = from();
        List<Node> payload = new java.util.ArrayList<>(children());
        payload.add(error.toElement());
        if (this instanceof Message m) {
            return new Message(replyFrom, replyTo, m.id(), Message.Type.ERROR, m.lang(), payload);
        }
        if (this instanceof Presence p) {
            return new Presence(replyFrom, replyTo, p.id(), Presence.Type.ERROR, p.lang(), payload);
        }
        Iq iq = (Iq) this;
        return new Iq(replyFrom, replyTo, iq.id(), Iq.Type.ERROR, iq.lang(), payload);
    }

    /** Builds a stanza from a parsed element; {@link StanzaException} when it is not one. */
    static Stanza fromElement(Element e) {
        return StanzaParser.parse(e);
    }
}
