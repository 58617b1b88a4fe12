package chorus.node.session;

import chorus.actors.metrics.NodeMetrics;
import chorus.actors.xmpp.Stanza;
import chorus.node.xmppstream.Transport;

import java.time.Clock;

/**
 * What the session writes to its client, through the transport. Once XEP-0198 is on, every stanza written is
 * counted and kept until the client acknowledges it, and an {@code <r/>} follows when one is due (§4). Every stanza
 * is counted once in the node's meters by its kind (a resumed stream's stanzas written again are not).
 */
final class ClientOutput {
    private final Transport transport;
    private final Clock clock;
    private final NodeMetrics metrics;
    private StreamManagement sm;

    ClientOutput(Transport transport, Clock clock, NodeMetrics metrics) {
        this.transport = transport;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** From now on stanzas are counted for XEP-0198. */
    void countWith(StreamManagement sm) {
        this.sm = sm;
    }

    void send(Object item) {
        metered(item);
        if (counted(item, 0, 0)) {
            transport.send(item);
            transport.send(sm.request(clock.instant()));
            return;
        }
        transport.send(item);
    }

    /** Sends, and runs {@code written} once the item (and all before it) went out. */
    void sendThen(Object item, Runnable written) {
        sendThen(item, 0, 0, written);
    }

    /** As {@link #sendThen(Object, Runnable)}, for a message its account's entity tracks (epoch, seq). */
    void sendThen(Object item, long epoch, long seq, Runnable written) {
        metered(item);
        if (counted(item, epoch, seq)) {
            transport.sendThen(item, written);
            transport.send(sm.request(clock.instant()));
            return;
        }
        transport.sendThen(item, written);
    }

    /** Writes what was counted before (a resumed stream's unacknowledged stanzas). */
    void resend(Object item) {
        transport.send(item);
    }

    private void metered(Object item) {
        if (item instanceof Stanza s) {
            metrics.stanzaOut(kind(s));
        }
    }

    /** The kind of a stanza, as the node's meters name it. */
    static NodeMetrics.StanzaKind kind(Stanza s) {
        if (s instanceof chorus.actors.xmpp.Message) {
            return NodeMetrics.StanzaKind.MESSAGE;
        }
        return s instanceof chorus.actors.xmpp.Presence ? NodeMetrics.StanzaKind.PRESENCE : NodeMetrics.StanzaKind.IQ;
    }

    /** Counts a stanza under XEP-0198; true when an {@code <r/>} should follow it. */
    private boolean counted(Object item, long epoch, long seq) {
        return sm != null && item instanceof Stanza s && sm.sent(s, epoch, seq);
    }
}
