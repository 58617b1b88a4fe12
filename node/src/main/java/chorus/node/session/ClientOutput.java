package chorus.node.session;

import chorus.actors.xmpp.Stanza;
import chorus.node.xmppstream.Transport;

import java.time.Clock;

/**
 * What the session writes to its client, through the transport. Once XEP-0198 is on, every stanza written is
 * counted and kept until the client acknowledges it, and an {@code <r/>} follows when one is due (§4).
 */
final class ClientOutput {
    private final Transport transport;
    private final Clock clock;
    private StreamManagement sm;

    ClientOutput(Transport transport, Clock clock) {
        this.transport = transport;
        this.clock = clock;
    }

    /** From now on stanzas are counted for XEP-0198. */
    void countWith(StreamManagement sm) {
        this.sm = sm;
    }

    void send(Object item) {
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

    /** Counts a stanza under XEP-0198; true when an {@code <r/>} should follow it. */
    private boolean counted(Object item, long epoch, long seq) {
        return sm != null && item instanceof Stanza s && sm.sent(s, epoch, seq);
    }
}
