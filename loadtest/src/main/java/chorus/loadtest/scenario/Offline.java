package chorus.loadtest.scenario;

import chorus.loadtest.client.SessionListener;
import chorus.loadtest.client.Stanzas;
import chorus.loadtest.client.XmppSession;
import chorus.loadtest.metrics.Latency;
import chorus.loadtest.report.Report;
import chorus.loadtest.xml.XmlElement;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code offline}: the first half of the users send messages to the second half, who are offline
 * (RFC 6121 §8.5.2.2: the server stores them, or answers with an error); then the receivers log in
 * and collect. Counted: sent, bounced with an error, received at login, lost; timed: how long after its
 * login a receiver got each stored message.
 */
public record Offline(int perReceiver, double rate, Duration drain) implements Scenario {
    public Offline {
        if (perReceiver < 1) {
            throw new IllegalArgumentException("at least one message per offline user");
        }
    }

    /** The first half of the users send, the rest receive: at least one of each. */
    static int senders(int users) {
        if (users < 2) {
            throw new IllegalArgumentException("offline needs at least 2 users");
        }
        return users / 2;
    }

    @Override
    public String name() {
        return "offline";
    }

    @Override
    public void describe(RunContext ctx) {
        ctx.report().param("messages_per_receiver", perReceiver);
        ctx.report().param("rate_per_s", rate);
        ctx.report().param("drain_s", drain.toSeconds());
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        int n = ctx.accounts().count();
        int senders = senders(n);
        int receivers = n - senders;
        AtomicLongArray onlineSince = new AtomicLongArray(n);
        Latency collect = ctx.metrics().latency("offline_collect");
        ChatTraffic[] traffic = new ChatTraffic[1];
        Population pop = new Population(ctx, new SessionListener() {
            @Override
            public void stanza(XmppSession s, XmlElement e) {
                if (ChatTraffic.isMessage(e)) {
                    if (traffic[0].onMessage(e) && s.index() >= senders && !"error".equals(e.attr("type"))) {
                        collect.recordNanos(System.nanoTime() - onlineSince.get(s.index()));
                    }
                } else {
                    Answers.request(s, e);
                }
            }
        });
        traffic[0] = new ChatTraffic(ctx, pop, 0);
        ChatTraffic chat = traffic[0];
        Report r = ctx.report();
        ctx.status(() -> String.format(Locale.ROOT, "offline: senders logging in %d/%d", pop.onlineCount(), senders));
        pop.loginAll(0, senders, i -> Stanzas.presence(null));
        ctx.pause(Duration.ofSeconds(1));

        long total = (long) perReceiver * receivers;
        MessageLedger ledger = chat.ledger("o", total);
        ctx.status(() -> String.format(Locale.ROOT, "offline: storing, sent %d of %d, bounced %d", ledger.sent(), total,
            ctx.metrics().counter("messages_bounced").get()));
        long t0 = System.nanoTime();
        Pacer.run(rate, Duration.ofNanos((long) Math.ceil(total / rate * 1e9)), ctx.deadline(), (k, due) -> {
            int from = pop.randomOnline(-1);
            if (from >= 0) {
                chat.send(ledger, from, senders + (int) (k % receivers), due);
            }
        });
        double storeSeconds = (System.nanoTime() - t0) / 1e9;
        // Errors come back at once; give them a moment before the receivers appear.
        ctx.pause(Duration.ofSeconds(2));
        long bouncedBeforeLogin = ledger.counts().bounced();

        ctx.status(() -> String.format(Locale.ROOT, "offline: receivers logging in %d/%d, received %d",
            pop.onlineCount() - senders, receivers, ctx.metrics().counter("messages_received").get()));
        pop.loginAll(senders, n, i -> {
            onlineSince.set(i, System.nanoTime());
            return Stanzas.presence(null);
        });
        chat.drain(ledger, drain.toMillis() / 1000.0);
        MessageLedger.Counts c = ledger.counts();
        r.figure("sent", c.sent());
        r.figure("store_rate_per_s", Answers.round(c.sent() / storeSeconds, 1));
        r.figure("bounced", c.bounced());
        r.figure("bounced_before_login", bouncedBeforeLogin);
        r.figure("received", c.received());
        r.figure("lost", c.lost());
        r.figure("vanished", c.vanished());
        r.figure("duplicates", c.duplicates());
        Map<String, org.HdrHistogram.Histogram> lat = ctx.metrics().latencyTotals();
        Answers.percentiles(r, "collect_after_login", lat.get("offline_collect"));
        if (c.bounced() == c.sent() && c.sent() > 0) {
            r.note("every message to an offline user came back with an error: this server stores no offline messages");
        }
        pop.logoutAll();
    }
}
