package chorus.loadtest.scenario;

import chorus.loadtest.client.Ns;
import chorus.loadtest.client.SessionListener;
import chorus.loadtest.client.Stanzas;
import chorus.loadtest.client.XmppSession;
import chorus.loadtest.metrics.Latency;
import chorus.loadtest.report.Report;
import chorus.loadtest.xml.XmlElement;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * {@code muc}: the users split evenly into rooms of a XEP-0045 service (each room's first user creates it
 * as an instant room, the others join), then groupchat messages at a total rate, each from a random
 * occupant to its room. Every occupant, the sender included, should get each message: counted are the
 * expected deliveries, those that arrived and those lost, and the latency of each delivery from the
 * time its message was due.
 */
public record Groupchat(int rooms, double rate, Duration duration, Duration drain, int bodySize, String service)
    implements Scenario {
    static final String MUC = "http://jabber.org/protocol/muc";
    static final String MUC_USER = MUC + "#user";
    static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);

    public Groupchat {
        if (rooms < 1) {
            throw new IllegalArgumentException("at least one room");
        }
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be positive");
        }
    }

    /** Occupants of the fullest room; each room needs at least two users. */
    static int occupants(int users, int rooms) {
        if (users < 2 * rooms) {
            throw new IllegalArgumentException("muc needs at least 2 users per room: " + users + " users for " + rooms
                + " rooms");
        }
        return (users + rooms - 1) / rooms;
    }

    /** Users in room {@code r} when user {@code j} is in room {@code j % rooms}. */
    static int members(int users, int rooms, int r) {
        return (users - r + rooms - 1) / rooms;
    }

    @Override
    public String name() {
        return "muc";
    }

    @Override
    public void describe(RunContext ctx) {
        Report r = ctx.report();
        r.param("rooms", rooms);
        r.param("rate_per_s", rate);
        r.param("duration_s", duration.toSeconds());
        r.param("drain_s", drain.toSeconds());
        r.param("body_bytes", bodySize);
        r.param("service", serviceOf(ctx));
    }

    private String serviceOf(RunContext ctx) {
        return service != null ? service : "conference." + ctx.accounts().domain();
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        int users = ctx.accounts().count();
        int perRoom = occupants(users, rooms);
        String svc = serviceOf(ctx);
        long capacity = (long) Math.ceil(rate * duration.toSeconds() + rate + 16);
        BroadcastLedger ledger = new BroadcastLedger("g", (int) Math.min(Integer.MAX_VALUE - 8, capacity));
        Latency latency = ctx.metrics().latency("groupchat delivery");
        AtomicInteger created = new AtomicInteger();
        AtomicInteger configured = new AtomicInteger();
        AtomicInteger joined = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        Population pop = new Population(ctx, new SessionListener() {
            @Override
            public void stanza(XmppSession s, XmlElement e) {
                if (e.is("presence", Ns.CLIENT)) {
                    XmlElement x = e.child("x", MUC_USER);
                    if ("error".equals(e.attr("type"))) {
                        refused.incrementAndGet();
                        ctx.failure("join-error:" + XmppSession.errorCondition(e));
                    } else if (x != null && hasStatus(x, "110") && !"unavailable".equals(e.attr("type"))) {
                        joined.incrementAndGet();
                        if (hasStatus(x, "201")) {
                            created.incrementAndGet();
                        }
                    }
                } else if (e.is("iq", Ns.CLIENT) && e.attr("id") != null && e.attr("id").startsWith("cfg-")) {
                    if ("result".equals(e.attr("type"))) {
                        configured.incrementAndGet();
                    } else {
                        ctx.failure("configure-error:" + XmppSession.errorCondition(e));
                    }
                } else if (e.is("message", Ns.CLIENT) && "groupchat".equals(e.attr("type"))) {
                    Payload p = Payload.decode(e.childText("body"));
                    if (p != null && p.run().equals(ctx.runId()) && p.tag().equals(ledger.tag()) && ledger.delivered(p.seq())) {
                        latency.recordNanos(System.nanoTime() - p.dueNanos());
                    }
                } else {
                    Answers.request(s, e);
                }
            }
        });
        ctx.status(() -> String.format(Locale.ROOT, "muc: logging in %d/%d", pop.onlineCount(), users));
        Population.Wave w = pop.loginAll(0, users, i -> Stanzas.presence(null));
        Report r = ctx.report();
        r.figure("sessions_online", pop.onlineCount());
        r.figure("logins_failed", w.failed());

        long t0 = System.nanoTime();
        ctx.status(() -> String.format(Locale.ROOT, "muc: creating rooms %d/%d, configured %d", created.get(), rooms,
            configured.get()));
        for (int room = 0; room < rooms; room++) {
            join(pop, room, room, svc, ctx);
        }
        await(ctx, created::get, rooms, "rooms created");
        for (int room = 0; room < rooms; room++) {
            XmppSession s = pop.session(room);
            if (s != null) {
                s.send("<iq type='set' id='cfg-" + room + "' to='" + roomJid(ctx, svc, room) + "'><query xmlns='"
                    + MUC + "#owner'><x xmlns='jabber:x:data' type='submit'/></query></iq>");
            }
        }
        await(ctx, configured::get, rooms, "rooms configured");
        ctx.status(() -> String.format(Locale.ROOT, "muc: joined %d/%d", joined.get(), users));
        for (int j = rooms; j < users; j++) {
            join(pop, j, j % rooms, svc, ctx);
        }
        await(ctx, () -> joined.get() + refused.get(), users, "occupants joined");
        r.figure("rooms", rooms);
        r.figure("occupants_per_room", perRoom);
        r.figure("occupants_joined", joined.get());
        r.figure("joins_refused", refused.get());
        r.figure("room_setup_s", Answers.round((System.nanoTime() - t0) / 1e9, 2));

        ctx.status(() -> {
            BroadcastLedger.Counts c = ledger.counts();
            return String.format(Locale.ROOT, "muc: %.0f msg/s target, sent %d, deliveries %d of %d", rate,
                c.broadcasts(), c.delivered(), c.expected());
        });
        long s0 = System.nanoTime();
        long fired = Pacer.run(rate, duration, ctx.deadline(), (k, due) -> {
            int room = ThreadLocalRandom.current().nextInt(rooms);
            int inRoom = members(users, rooms, room);
            int j = room + rooms * ThreadLocalRandom.current().nextInt(inRoom);
            XmppSession s = pop.session(j);
            if (s == null) {
                return;
            }
            long seq = ledger.next(inRoom);
            if (seq < 0) {
                return;
            }
            Payload p = new Payload(ctx.runId(), ledger.tag(), seq, due);
            s.send("<message type='groupchat' to='" + roomJid(ctx, svc, room) + "' id='" + p.stanzaId() + "'><body>"
                + p.encode(bodySize) + "</body></message>");
        });
        double sendSeconds = (System.nanoTime() - s0) / 1e9;
        long until = ctx.deadline().until(drain);
        while (!ledger.settled() && System.nanoTime() - until < 0) {
            Thread.sleep(20);
        }
        BroadcastLedger.Counts c = ledger.counts();
        Histogram h = latency.total();
        r.figure("target_rate_per_s", rate);
        r.figure("scheduled", fired);
        r.figure("messages_sent", c.broadcasts());
        r.figure("achieved_per_s", Answers.round(c.broadcasts() / sendSeconds, 1));
        r.figure("deliveries_expected", c.expected());
        r.figure("deliveries", c.delivered());
        r.figure("deliveries_lost", c.lost());
        r.figure("deliveries_per_s", Answers.round(c.delivered() / sendSeconds, 1));
        r.figure("p50_ms", h.getTotalCount() == 0 ? null : h.getValueAtPercentile(50) / 1000.0);
        r.figure("p99_ms", h.getTotalCount() == 0 ? null : h.getValueAtPercentile(99) / 1000.0);
        r.figure("max_ms", h.getTotalCount() == 0 ? null : h.getMaxValue() / 1000.0);
        r.latency("groupchat delivery", h);
        ctx.status(() -> "muc: logging out");
        pop.logoutAll();
    }

    private static boolean hasStatus(XmlElement x, String code) {
        for (XmlElement st : x.children()) {
            if (st.is("status", MUC_USER) && code.equals(st.attr("code"))) {
                return true;
            }
        }
        return false;
    }

    private static String roomJid(RunContext ctx, String svc, int room) {
        return "lt-" + ctx.runId() + "-" + room + "@" + svc;
    }

    private static void join(Population pop, int user, int room, String svc, RunContext ctx) {
        XmppSession s = pop.session(user);
        if (s != null) {
            s.send("<presence to='" + roomJid(ctx, svc, room) + "/u" + user + "'><x xmlns='" + MUC + "'>"
                + "<history maxstanzas='0'/></x></presence>");
        }
    }

    private static void await(RunContext ctx, IntSupplier count, int target, String what) throws InterruptedException {
        long until = ctx.deadline().until(SETUP_TIMEOUT);
        while (count.getAsInt() < target && System.nanoTime() - until < 0) {
            Thread.sleep(20);
        }
        if (count.getAsInt() < target) {
            ctx.failure("muc-setup-timeout:" + what);
        }
    }
}
