package chorus.node.stream;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;

import java.util.Map;
import java.util.Objects;

/** What the peer's side of an XML stream said, in order: one header, first-level elements, then the end. */
public sealed interface StreamEvent {

    /**
     * The stream header, {@code <stream:stream>} (RFC 6120 §4.7). Attributes are keyed as in {@link Element}
     * ({@code to}, {@code xml:lang}, {@code {uri}local}); the namespace declarations are there too, keyed
     * {@code xmlns} and {@code xmlns:prefix}, since the content namespace and {@code xmlns:db} (XEP-0220)
     * matter to the session.
     */
    record StreamOpen(Map<String, String> attrs) implements StreamEvent {
        public StreamOpen {
            attrs = Map.copyOf(attrs);
        }

        public String to() {
            return attrs.get("to");
        }

        public String from() {
            return attrs.get("from");
        }

        public String id() {
            return attrs.get("id");
        }

        /** The {@code version} attribute; absent means a pre-1.0 peer (RFC 6120 §4.7.5). */
        public String version() {
            return attrs.get("version");
        }

        public String lang() {
            return attrs.get("xml:lang");
        }

        /** The content namespace declared as default: {@code jabber:client} or {@code jabber:server}. */
        public String contentNs() {
            return attrs.get("xmlns");
        }

        /** Whether the header declared the {@code stream} prefix for the streams namespace (RFC 6120 §4.8.5). */
        public boolean streamPrefixBound() {
            return Ns.STREAMS.equals(attrs.get("xmlns:stream"));
        }
    }

    /**
     * A complete first-level child of the stream: a stanza in the content namespace, or a negotiation
     * element ({@code <starttls/>}, {@code <auth/>}, {@code <response/>}...) in its own.
     */
    record StanzaReceived(Element element) implements StreamEvent {
        public StanzaReceived {
            Objects.requireNonNull(element, "element");
        }

        /** The element may hold a message body or SASL data: print only its outline. */
        @Override
        public String toString() {
            return "StanzaReceived[" + element + "]";
        }
    }

    /** The peer closed its stream with {@code </stream:stream>} (RFC 6120 §4.4). */
    record StreamClosed() implements StreamEvent {
    }

    /**
     * The peer broke the stream: the session sends this stream error and closes (RFC 6120 §4.9). The decoder
     * emits nothing more and discards what follows until it is reset.
     *
     * @param condition one of {@link StreamErrors}
     * @param text      a human-readable reason, fit to send back in {@code <text/>}
     */
    record StreamFailed(String condition, String text) implements StreamEvent {
        public StreamFailed {
            if (!StreamErrors.isDefined(condition)) {
                throw new IllegalArgumentException("not a stream error condition: " + condition);
            }
        }

        /** The stream error to send back. */
        public StreamError toError() {
            return new StreamError(condition, text);
        }
    }
}
