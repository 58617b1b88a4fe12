package chorus.node.xmppstream;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.JidMalformedException;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaException;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A first-level element the peer sent once its stream is authenticated, taken as a stanza (RFC 6120 §8): a
 * stanza of the stream's content namespace whose 'from' the peer is entitled to (§8.1.2.1), stamped with the
 * address the stream speaks for. What is no stanza ends the stream; a stanza that does not parse gets its error.
 */
public final class StanzaIntake {

    /** What became of the element. */
    public sealed interface Taken {
        /** A stanza to pass on. */
        record Accepted(Stanza stanza) implements Taken {
        }

        /** A stanza that did not parse: its error reply goes back (null when it may not be answered), and why. */
        record Refused(Stanza reply, StanzaError error) implements Taken {
        }

        /** The stream ends with this error. */
        record Failed(StreamError error) implements Taken {
        }
    }

    private final String contentNs;
    private final Predicate<Jid> mayClaim;

    /** {@code mayClaim}: the 'from' addresses the peer may write (a client: its own full and bare JID). */
    public StanzaIntake(String contentNs, Predicate<Jid> mayClaim) {
        this.contentNs = contentNs;
        this.mayClaim = mayClaim;
    }

    /** Whether the element is a stanza of this stream: message, presence or iq in its content namespace. */
    public boolean isStanza(Element e) {
        return e.ns().equals(contentNs) && (e.name().equals("message") || e.name().equals("presence")
            || e.name().equals("iq"));
    }

    /** Takes an element; the accepted stanza's 'from' is {@code stamp} (null: as the peer wrote it). */
    public Taken take(Element e, Jid stamp) {
        if (!isStanza(e)) {
            return new Taken.Failed(new StreamError(StreamErrors.UNSUPPORTED_STANZA_TYPE, "not a stanza: " + e.name()));
        }
        String from = e.attr("from");
        if (from != null && !claimable(from)) {
            // §8.1.2.1: a 'from' the peer is not entitled to.
            return new Taken.Failed(new StreamError(StreamErrors.INVALID_FROM, "the 'from' address is not yours"));
        }
        try {
            Element inside = inClientNamespace(e);
            Stanza st = Stanza.fromElement(stamp == null ? inside : inside.withAttr("from", null));
            return new Taken.Accepted(stamp == null ? st : st.withFrom(stamp));
        } catch (StanzaException ex) {
            return new Taken.Refused(errorFor(e, ex.error(), contentNs), ex.error());
        }
    }

    /**
     * A stanza of a server or component stream as this server keeps stanzas: its own elements (body, show, error...)
     * in {@code jabber:client}, whichever stream brought it (RFC 6120 §4.8.3; the encoder moves them back).
     */
    private Element inClientNamespace(Element e) {
        if (contentNs.equals(Ns.CLIENT)) {
            return e;
        }
        List<Node> children = new ArrayList<>(e.children().size());
        for (Node n : e.children()) {
            children.add(n instanceof Element c ? c.movedNamespace(contentNs, Ns.CLIENT) : n);
        }
        return e.withChildren(children);
    }

    private boolean claimable(String from) {
        try {
            return mayClaim.test(Jid.parse(from));
        } catch (JidMalformedException ex) {
            return false;
        }
    }

    /** The error reply to an element that did not parse as a stanza, when it can be answered (not an error). */
    public static Stanza errorFor(Element e, StanzaError error, String contentNs) {
        if ("error".equals(e.attr("type"))) {
            return null;
        }
        Element.Builder b = Element.build(e.name(), contentNs).attr("id", e.attr("id")).attr("type", "error");
        return Stanza.fromElement(b.child(error.toElement()).get());
    }

    /**
     * The error reply to a stanza of a server or component that did not parse, addressed back to its sender
     * (RFC 6120 §8.3.1), to be routed: such a stream carries stanzas one way only. Null when it may not be
     * answered (an error, or addresses that do not parse).
     */
    public static Stanza addressedErrorFor(Element e, StanzaError error, String contentNs) {
        if ("error".equals(e.attr("type")) || e.attr("from") == null || e.attr("to") == null) {
            return null;
        }
        Element.Builder b = Element.build(e.name(), contentNs).attr("from", e.attr("to")).attr("to", e.attr("from"))
            .attr("id", e.attr("id")).attr("type", "error");
        try {
            return Stanza.fromElement(b.child(error.toElement()).get());
        } catch (StanzaException ex) {
            return null;
        }
    }
}
