package chorus.node.xmppstream;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;

/** RFC 6120 §5: the STARTTLS step of a stream whose transport has one, where TLS is mandatory. */
public final class StartTls {
    /** §5.4.1: the feature, required. */
    public static final Element FEATURE = Element.build("starttls", Ns.TLS).child(Element.of("required", Ns.TLS)).get();

    private StartTls() {
    }

    /**
     * An element of the peer before TLS: {@code <starttls/>} starts TLS (§5.4.2-5.4.3.3) and null is returned; the
     * stream then restarts. Anything else is refused: TLS is mandatory here (§5.3.1).
     */
    public static StreamError take(Element e, Transport transport) {
        if (e.is("starttls", Ns.TLS)) {
            transport.startTls(Element.of("proceed", Ns.TLS));
            return null;
        }
        return new StreamError(StreamErrors.POLICY_VIOLATION, "STARTTLS is required");
    }
}
