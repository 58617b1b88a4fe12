package chorus.node.xmppstream;

import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.JidMalformedException;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import chorus.node.stream.StreamEvent;
import chorus.node.stream.StreamHeader;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Our side of the stream headers of one stream (RFC 6120 §4.7): each header of the peer (the first, and each one
 * after a restart) is answered with ours, under a fresh id; a stream error always comes inside a stream of ours
 * (§4.9.1.1), so our header goes first when none did yet.
 */
public final class StreamOpening {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DomainJid domain;
    private final String contentNs;
    private boolean headerSent;

    /** {@code contentNs}: {@code jabber:client} or {@code jabber:server}. */
    public StreamOpening(DomainJid domain, String contentNs) {
        this.domain = domain;
        this.contentNs = contentNs;
    }

    /**
     * Answers the peer's header with ours. Returns the stream error that ends the stream when the header is not
     * acceptable (a domain this server does not serve, §4.9.3.6; not XMPP 1.0, §4.7.5), else null.
     */
    public StreamError answer(StreamEvent.StreamOpen open, Transport transport) {
        transport.send(new StreamHeader(domain.toString(), open.from(), newId(), "1.0", "en", contentNs));
        headerSent = true;
        String to = open.to();
        if (to != null && !to.isEmpty() && !serves(to)) {
            return new StreamError(StreamErrors.HOST_UNKNOWN, "this server does not serve that domain");
        }
        if (open.version() == null || !open.version().startsWith("1.")) {
            return new StreamError(StreamErrors.UNSUPPORTED_VERSION, "XMPP 1.0 streams only");
        }
        return null;
    }

    /** A new stream starts (after STARTTLS or SASL): the peer's next header gets a header of ours again. */
    public void restarted() {
        headerSent = false;
    }

    public boolean headerSent() {
        return headerSent;
    }

    /** Ends the stream with this error, after a header of ours if none went out yet. */
    public void fail(StreamError error, Transport transport) {
        if (!headerSent) {
            transport.send(new StreamHeader(domain.toString(), null, newId(), "1.0", "en", contentNs));
            headerSent = true;
        }
        transport.fail(error);
    }

    private boolean serves(String to) {
        try {
            return Jid.parse(to).toString().equals(domain.toString());
        } catch (JidMalformedException e) {
            return false;
        }
    }

    /** A random id: of a stream, or anything else a peer must not guess (12 bytes, hex). */
    public static String newId() {
        return random(12);
    }

    /** {@code bytes} random bytes, hex. */
    public static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
