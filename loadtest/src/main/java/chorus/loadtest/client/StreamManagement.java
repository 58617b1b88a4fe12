package chorus.loadtest.client;

import chorus.loadtest.xml.XmlElement;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * XEP-0198 stream management on the client's side, for runs that measure what a client that uses it keeps when a
 * node dies: the stanzas this client sent that the server has not acknowledged yet (§4), and the count of stanzas it
 * handled, its {@code h}, for the server's requests. No resumption (§5): a session of a killed node cannot resume, so
 * the client logs in again and sends what was never acknowledged once more (§4, "resend"), as Smack and Conversations
 * do. Written by the session's event loop; {@link #unacked()} may be read from any thread once the session ended.
 */
final class StreamManagement {
    static final String NS = "urn:xmpp:sm:3";
    static final String ENABLE = "<enable xmlns='" + NS + "'/>";
    static final String REQUEST = "<r xmlns='" + NS + "'/>";
    /** §4: {@code h} counts modulo 2^32. */
    private static final long MOD = 1L << 32;

    private final ArrayDeque<String> unacked = new ArrayDeque<>();
    /** Stanzas sent since enabling, of which the first {@code acked} were acknowledged. */
    private long sent;
    private long acked;
    /** Stanzas received from the server since enabling (§4's {@code h} of this side). */
    private long handled;

    /**
     * Counts from now on, and every {@code REQUEST_EVERY_MS} while something sent waits for its acknowledgement asks
     * the server for one (§4), until the connection closes.
     */
    static StreamManagement start(XmppSession session, Channel channel) {
        StreamManagement m = new StreamManagement();
        var ticks = channel.eventLoop().scheduleAtFixedRate(() -> {
            if (session.isReady() && m.waiting()) {
                session.send(REQUEST);
            }
        }, REQUEST_EVERY_MS, REQUEST_EVERY_MS, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> ticks.cancel(false));
        return m;
    }

    static final long REQUEST_EVERY_MS = 500;

    /** Writes a stanza and counts it, on the event loop so that the count follows the order of the wire. */
    void write(Channel c, String stanza, boolean flush) {
        c.eventLoop().execute(() -> {
            sent(stanza);
            if (flush) {
                c.writeAndFlush(ByteBufUtil.writeUtf8(c.alloc(), stanza), c.voidPromise());
            } else {
                c.write(ByteBufUtil.writeUtf8(c.alloc(), stanza), c.voidPromise());
            }
        });
    }

    /** The server's {@code <r/>} or {@code <a/>} (§4); an acknowledgement of more than was sent ends the session. */
    void element(XmppSession session, XmlElement e) {
        if (e.name().equals("r")) {
            session.send(answer());
        } else if (e.name().equals("a")) {
            long h = h(e);
            if (h < 0 || !acknowledged(h)) {
                session.fail("sm-bad-ack");
            }
        }
    }

    /** Whether {@code xml} is one stanza (the scenarios write one per call): the ones §4 counts. */
    static boolean isStanza(String xml) {
        return xml.startsWith("<message") || xml.startsWith("<presence") || xml.startsWith("<iq");
    }

    static boolean isStanza(XmlElement e) {
        return e.ns().equals(Ns.CLIENT) && (e.name().equals("message") || e.name().equals("presence")
            || e.name().equals("iq"));
    }

    synchronized void sent(String stanza) {
        unacked.add(stanza);
        sent++;
    }

    synchronized void handled() {
        handled++;
    }

    synchronized boolean waiting() {
        return !unacked.isEmpty();
    }

    /** This side's answer to the server's {@code <r/>}. */
    synchronized String answer() {
        return "<a xmlns='" + NS + "' h='" + (handled % MOD) + "'/>";
    }

    /**
     * The server's {@code <a h='…'/>}: every stanza up to {@code h} arrived. Returns false when {@code h} acknowledges
     * more than was sent (§4: a stream error for the server; the load generator counts it as a failure).
     */
    synchronized boolean acknowledged(long h) {
        long newly = Math.floorMod(h - acked, MOD);
        if (newly > sent - acked) {
            return false;
        }
        for (long i = 0; i < newly; i++) {
            unacked.poll();
        }
        acked += newly;
        return true;
    }

    /** What was sent and not acknowledged, oldest first. */
    synchronized List<String> unacked() {
        return List.copyOf(unacked);
    }

    /** The {@code h} of an {@code <a/>}, or -1 when it is not a number of 32 bits. */
    static long h(XmlElement a) {
        try {
            long h = Long.parseLong(a.attr("h"));
            return h >= 0 && h < MOD ? h : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
