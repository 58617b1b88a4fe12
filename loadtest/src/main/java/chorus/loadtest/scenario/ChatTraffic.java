package chorus.loadtest.scenario;

import chorus.loadtest.client.Ns;
import chorus.loadtest.client.Stanzas;
import chorus.loadtest.client.XmppSession;
import chorus.loadtest.metrics.Counter;
import chorus.loadtest.metrics.Latency;
import chorus.loadtest.xml.XmlElement;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-to-one chat messages between the users of a population (RFC 6121 §5: type chat, to the bare
 * JID): sends them with a payload, matches what arrives (or bounces) to its ledger, and records the
 * end-to-end latency from the time each message was due.
 */
final class ChatTraffic {
    private final RunContext ctx;
    private final Population population;
    private final int padding;
    private final Map<String, MessageLedger> ledgers = new ConcurrentHashMap<>();
    private final Latency latency;
    private final Counter sent;
    private final Counter received;
    private final Counter bounced;
    private final Counter unmatched;
    private final Counter noPeer;
    /** Told each measured message that arrives. */
    private volatile Arrivals arrivals;
    /** Told each message sent: the time it was due. */
    private volatile java.util.function.LongConsumer departures;

    ChatTraffic(RunContext ctx, Population population, int padding) {
        this.ctx = ctx;
        this.population = population;
        this.padding = padding;
        this.latency = ctx.metrics().latency("message");
        this.sent = ctx.metrics().counter("messages_sent");
        this.received = ctx.metrics().counter("messages_received");
        this.bounced = ctx.metrics().counter("messages_bounced");
        this.unmatched = ctx.metrics().counter("messages_unmatched");
        this.noPeer = ctx.metrics().counter("messages_without_peer");
    }

    Population population() {
        return population;
    }

    /** What a watcher hears of each measured message that arrives. */
    interface Arrivals {
        void arrived(long dueNanos, long latencyNanos);
    }

    /** Watches every message sent (its due time) and every one that arrives (due time, latency). */
    void watch(java.util.function.LongConsumer sent, Arrivals arrived) {
        this.departures = sent;
        this.arrivals = arrived;
    }

    MessageLedger ledger(String tag, long capacity) {
        MessageLedger l = new MessageLedger(tag, capacity);
        ledgers.put(tag, l);
        return l;
    }

    /** Sends one message between two random online users; false when none could be found. */
    boolean sendRandom(MessageLedger ledger, long dueNanos) {
        int from = population.randomOnline(-1);
        int to = from < 0 ? -1 : population.randomOnline(from);
        if (to < 0) {
            noPeer.increment();
            return false;
        }
        return send(ledger, from, to, dueNanos);
    }

    /** Sends one message; the recipient need not be online (offline storage, or an error). */
    boolean send(MessageLedger ledger, int from, int to, long dueNanos) {
        XmppSession s = population.session(from);
        if (s == null) {
            noPeer.increment();
            return false;
        }
        long seq = ledger.next();
        if (seq < 0) {
            return false;
        }
        Payload p = new Payload(ctx.runId(), ledger.tag(), seq, dueNanos);
        s.send(Stanzas.chat(ctx.accounts().jid(to), p.stanzaId(), p.encode(padding)));
        sent.increment();
        java.util.function.LongConsumer d = departures;
        if (d != null) {
            d.accept(dueNanos);
        }
        return true;
    }

    /** Takes a message stanza; returns false when it is not one of the measured messages. */
    boolean onMessage(XmlElement m) {
        if ("error".equals(m.attr("type"))) {
            String id = m.attr("id");
            int dash = id == null ? -1 : id.lastIndexOf('-');
            MessageLedger l = dash < 0 ? null : ledgers.get(id.substring(0, dash));
            if (l == null) {
                return false;
            }
            try {
                l.bounced(Long.parseLong(id.substring(dash + 1)));
            } catch (NumberFormatException e) {
                return false;
            }
            bounced.increment();
            ctx.failure("message-error:" + XmppSession.errorCondition(m));
            return true;
        }
        Payload p = Payload.decode(m.childText("body"));
        if (p == null || !p.run().equals(ctx.runId())) {
            unmatched.increment();
            return false;
        }
        MessageLedger l = ledgers.get(p.tag());
        if (l == null || !l.received(p.seq())) {
            return false;
        }
        long latencyNanos = System.nanoTime() - p.dueNanos();
        l.latency().recordNanos(latencyNanos);
        latency.recordNanos(latencyNanos);
        received.increment();
        Arrivals a = arrivals;
        if (a != null) {
            a.arrived(p.dueNanos(), latencyNanos);
        }
        return true;
    }

    static boolean isMessage(XmlElement e) {
        return e.is("message", Ns.CLIENT);
    }

    /** Waits until every message of the ledger arrived or bounced, at most {@code drainSeconds}. */
    void drain(MessageLedger ledger, double drainSeconds) throws InterruptedException {
        long until = ctx.deadline().until(java.time.Duration.ofMillis((long) (drainSeconds * 1000)));
        while (!ledger.settled() && System.nanoTime() - until < 0) {
            Thread.sleep(20);
        }
    }
}
