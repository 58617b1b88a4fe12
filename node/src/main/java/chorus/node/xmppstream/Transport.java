package chorus.node.xmppstream;

import chorus.actors.xmpp.Element;
import chorus.node.stream.StreamError;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a transport adapter offers the stream above it: TCP (with STARTTLS or direct TLS) today; WebSocket frames
 * (RFC 7395) and BOSH bodies (XEP-0206) the same way. The adapter parses what the peer sends into
 * {@link chorus.node.stream.StreamEvent}s for the session, and writes what the session sends in its own framing:
 * our {@link chorus.node.stream.StreamHeader} (an {@code <open/>} on WebSocket), an {@link Element} or a
 * {@link chorus.actors.xmpp.Stanza}, a {@link StreamError}, or {@link chorus.node.stream.StreamClose}.
 *
 * <p>Methods may be called from the session's thread; an adapter orders them with its own I/O.
 */
public interface Transport {

    /** Whether what passes is encrypted already (direct TLS, after STARTTLS, an HTTPS or WSS connection). */
    boolean secure();

    /** Whether the stream itself can start TLS (RFC 6120 §5): TCP can; WebSocket and BOSH are TLS underneath. */
    boolean canStartTls();

    /**
     * Where the peer came from, for the in-band registration limit and the admins' notice only: never stored
     * or logged. The onion listener's clients are one anonymous source.
     */
    ClientSource source();

    /**
     * Whether XEP-0198 Stream Management is offered over this transport: BOSH has acknowledgements of its own
     * (XEP-0124 §9, request ids and retransmission) instead.
     */
    default boolean offersStreamManagement() {
        return true;
    }

    /**
     * The certificate chain the peer presented in its TLS handshake, leaf first: what a server or component proves
     * its domain with (RFC 6120 §13.7.2). Empty without TLS or when the peer presented none.
     */
    default List<X509Certificate> peerCertificates() {
        return List.of();
    }

    /**
     * The channel bindings (RFC 5056) of this connection's TLS, for SCRAM -PLUS logins: none without TLS, and none
     * where the TLS a client sees may not be ours (BOSH's requests travel on several connections; a proxy in front).
     */
    default chorus.node.sasl.ChannelBindings channelBindings() {
        return chorus.node.sasl.ChannelBindings.NONE;
    }

    /** Writes one item of our side of the stream. */
    void send(Object item);

    /** As {@link #send}, then runs {@code written} once the item (and all before it) went out to the peer. */
    void sendThen(Object item, Runnable written);

    /**
     * RFC 6120 §5.4.3.3: {@code proceed} goes out in the clear and TLS starts right after it; what the peer sends
     * then is parsed as a new stream. Only when {@link #canStartTls()}.
     */
    void startTls(Element proceed);

    /**
     * RFC 6120 §4.3.3: a new stream follows (after SASL success): the parser starts afresh, then this goes out (the
     * receiving side's {@code <success/>}, the initiating side's new stream header).
     */
    void restartThenSend(Object item);

    /** Sends a stream error (which ends our stream) and closes at once. */
    void fail(StreamError error);

    /**
     * Ends a healthy stream with an error and, as RFC 6120 §4.4 allows, waits a moment for the peer's closing
     * before closing: what the peer sent before it heard the error still arrives.
     */
    void endGracefully(StreamError error);

    /** Closes our side of the stream and then the transport. */
    void close();

    /** Closes the transport now (the peer closed its stream after ours ended). */
    void closeNow();

    /**
     * {@link System#nanoTime()} when the peer last sent anything: a stanza, part of one, or a whitespace keepalive
     * (RFC 6120 §4.6.1). The idle check reads it from another thread.
     */
    long lastReceived();

    /** Reads nothing more for now: the node is stopping (a client over its rate is slowed by {@link #processed}). */
    void pauseReading();

    /** Reads again: closing with unread input could reset the connection and cost the peer what it was sent. */
    void resumeReading();

    /**
     * A peer server over its rate: read no further until {@code false} (transports without their own flow control
     * ignore it).
     */
    default void holdReading(boolean hold) {
    }

    /**
     * The session finished one event the transport handed it: the transport's flow control reads no further ahead
     * than a few dozen unfinished events (a session that falls behind, or holds a client over its rate).
     */
    void processed();
}
