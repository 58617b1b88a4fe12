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
import java.util.function.Predicate;

/**
 * Our side of the stream headers of one stream (RFC 6120 §4.7): each header of the peer (the first, and each one
 * after a restart) is answered with ours, under a fresh id; a stream error always comes inside a stream of ours
 * (§4.9.1.1), so our header goes first when none did yet.
 *
 * <p>A client stream speaks for the one served domain. A server-to-server or component stream speaks for whichever
 * domain of this server the peer addressed (the domain, a service such as {@code conference.DOMAIN}, a component):
 * our header's 'from' is the 'to' the peer asked for. Component streams (XEP-0114) carry no version.
 */
public final class StreamOpening {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String defaultHost;
    private final Predicate<String> hosts;
    private final String contentNs;
    private final boolean versioned;
    private boolean headerSent;
    private String id;
    private String host;

    /** A client stream of {@code domain}; {@code contentNs}: {@code jabber:client}. */
    public StreamOpening(DomainJid domain, String contentNs) {
        this(domain.toString(), d -> d.equals(domain.toString()), contentNs, true);
    }

    /**
     * A stream to any domain {@code hosts} accepts; {@code defaultHost} answers a header without 'to'.
     * {@code versioned}: XMPP 1.0 streams (RFC 6120), not XEP-0114's unversioned component streams.
     */
    public StreamOpening(String defaultHost, Predicate<String> hosts, String contentNs, boolean versioned) {
        this.defaultHost = defaultHost;
        this.hosts = hosts;
        this.contentNs = contentNs;
        this.versioned = versioned;
        this.host = defaultHost;
    }

    /**
     * Answers the peer's header with ours. Returns the stream error that ends the stream when the header is not
     * acceptable (a domain this server does not serve, §4.9.3.6; not XMPP 1.0, §4.7.5), else null.
     */
    public StreamError answer(StreamEvent.StreamOpen open, Transport transport) {
        String to = normalized(open.to());
        boolean served = to == null || hosts.test(to);
        host = served && to != null ? to : defaultHost;
        id = newId();
        transport.send(new StreamHeader(host, open.from(), id, versioned ? "1.0" : null, "en", contentNs));
        headerSent = true;
        if (!served) {
            return new StreamError(StreamErrors.HOST_UNKNOWN, "this server does not serve that domain");
        }
        if (versioned && (open.version() == null || !open.version().startsWith("1."))) {
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

    /** The id of our current stream (XEP-0220 binds dialback keys to it; XEP-0114 the handshake), or null. */
    public String id() {
        return id;
    }

    /** The domain of this server the peer addressed (our header's 'from'). */
    public String host() {
        return host;
    }

    /** Ends the stream with this error, after a header of ours if none went out yet. */
    public void fail(StreamError error, Transport transport) {
        if (!headerSent) {
            transport.send(new StreamHeader(host, null, newId(), versioned ? "1.0" : null, "en", contentNs));
            headerSent = true;
        }
        transport.fail(error);
    }

    /** The domain as this server compares domains (RFC 7622 prepared), or null when absent or not a domain. */
    private static String normalized(String to) {
        if (to == null || to.isEmpty()) {
            return null;
        }
        try {
            Jid j = Jid.parse(to);
            return j.isDomain() ? j.domain() : "\u0000" + to;
        } catch (JidMalformedException e) {
            return "\u0000" + to; // served by nobody
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
