package chorus.loadtest.scenario;

import chorus.loadtest.client.SessionListener;
import chorus.loadtest.client.SetupFailure;
import chorus.loadtest.client.SetupTimes;
import chorus.loadtest.client.XmppSession;
import chorus.loadtest.metrics.Counter;
import chorus.loadtest.metrics.Latency;
import chorus.loadtest.xml.XmlElement;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * The users of a run and their sessions: logs them in (timing each setup, split into its parts), knows
 * who is online, picks random online users, logs them out. A user is online from the moment its
 * initial presence went out until its session closes.
 */
public final class Population {
    /** How a wave of logins went. */
    public record Wave(int attempted, int ok, int failed, double seconds) {
        public double perSecond() {
            return seconds <= 0 ? 0 : ok / seconds;
        }
    }

    private final RunContext ctx;
    private final SessionListener listener;
    private final AtomicReferenceArray<XmppSession> sessions;
    private final AtomicInteger online = new AtomicInteger();
    private final Latency setup;
    private final Latency tcp;
    private final Latency tls;
    private final Latency auth;
    private final Latency bind;
    private final Counter ok;
    private final Counter failed;
    private final Counter dropped;

    /** {@code listener} hears the stanzas of every session of the population. */
    public Population(RunContext ctx, SessionListener listener) {
        this.ctx = ctx;
        this.listener = listener;
        this.sessions = new AtomicReferenceArray<>(ctx.accounts().count());
        this.setup = ctx.metrics().latency("setup");
        this.tcp = ctx.metrics().latency("setup.tcp");
        this.tls = ctx.metrics().latency("setup.tls");
        this.auth = ctx.metrics().latency("setup.auth");
        this.bind = ctx.metrics().latency("setup.bind");
        this.ok = ctx.metrics().counter("logins");
        this.failed = ctx.metrics().counter("login_failures");
        this.dropped = ctx.metrics().counter("sessions_dropped");
        ctx.metrics().gauge("sessions_online", online::get);
    }

    public int size() {
        return sessions.length();
    }

    public int onlineCount() {
        return online.get();
    }

    public XmppSession session(int index) {
        return sessions.get(index);
    }

    public boolean isOnline(int index) {
        return sessions.get(index) != null;
    }

    /** A random online user other than {@code excluding}, or -1 when a few tries find none. */
    public int randomOnline(int excluding) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int n = sessions.length();
        for (int i = 0; i < 64; i++) {
            int k = r.nextInt(n);
            if (k != excluding && sessions.get(k) != null) {
                return k;
            }
        }
        return -1;
    }

    /**
     * Logs one user in; once bound, sends the initial presence {@code initialPresence} gives for the
     * user at that moment (none when null) and counts the user online. The future fails with a
     * {@link SetupFailure}.
     */
    public CompletableFuture<XmppSession> login(int index, IntFunction<String> initialPresence) {
        XmppSession s = ctx.connector().open(index, ctx.accounts().get(index), XmppSession.Purpose.LOGIN, tracking);
        return s.ready().whenComplete((session, err) -> {
            if (err != null) {
                failed.increment();
                Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                ctx.failure("login:" + (c instanceof SetupFailure f ? f.reason() : c.getClass().getSimpleName()));
                return;
            }
            SetupTimes t = session.setupTimes();
            setup.recordNanos(t.total());
            tcp.recordNanos(t.tcp());
            tls.recordNanos(t.tls());
            auth.recordNanos(t.auth());
            bind.recordNanos(t.bind());
            ok.increment();
            String presence = initialPresence.apply(index);
            if (presence != null) {
                session.send(presence);
            }
            if (sessions.getAndSet(index, session) == null) {
                online.incrementAndGet();
            }
        });
    }

    /**
     * Logs the users in, {@link LoginPolicy} permitting, and waits until each login succeeded or
     * failed, or the deadline passed.
     */
    public Wave loginAll(int from, int to, IntFunction<String> initialPresence) throws InterruptedException {
        return loginAll(from, to, initialPresence, true);
    }

    /** As {@link #loginAll(int, int, IntFunction)}; unless {@code stay}, each session ends once bound. */
    public Wave loginAll(int from, int to, IntFunction<String> initialPresence, boolean stay) throws InterruptedException {
        LoginPolicy p = ctx.login();
        Semaphore slots = new Semaphore(p.concurrency());
        AtomicInteger good = new AtomicInteger();
        AtomicInteger bad = new AtomicInteger();
        long start = System.nanoTime();
        double nanosPerLogin = p.rate() > 0 ? 1e9 / p.rate() : 0;
        int started = 0;
        for (int i = from; i < to && !ctx.deadline().passed(); i++) {
            if (nanosPerLogin > 0) {
                long due = start + (long) ((i - from) * nanosPerLogin);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            if (!slots.tryAcquire(ctx.deadline().remainingNanos(), TimeUnit.NANOSECONDS)) {
                break;
            }
            started++;
            int index = i;
            login(i, initialPresence).whenComplete((s, err) -> {
                (err == null ? good : bad).incrementAndGet();
                slots.release();
                if (err == null && !stay) {
                    logout(index, null);
                }
            });
        }
        slots.tryAcquire(p.concurrency(), ctx.deadline().remainingNanos(), TimeUnit.NANOSECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Wave(started, good.get(), bad.get(), seconds);
    }

    /** Logs a user out: {@code lastWords} (e.g. unavailable presence), the end of the stream, the close. */
    public CompletableFuture<Void> logout(int index, String lastWords) {
        XmppSession s = sessions.getAndSet(index, null);
        if (s == null) {
            return CompletableFuture.completedFuture(null);
        }
        online.decrementAndGet();
        return s.close(lastWords);
    }

    /** Logs everybody out and waits (bounded) until the connections closed. */
    public void logoutAll() {
        logoutAll(i -> null);
    }

    /** Logs everybody out, each with its own last words, and waits (bounded) until the connections closed. */
    public void logoutAll(IntFunction<String> lastWords) {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (int i = 0; i < sessions.length(); i++) {
            if (sessions.get(i) != null) {
                closing.add(logout(i, lastWords.apply(i)));
            }
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            ctx.say("loadtest: some sessions did not close within 30 s");
        }
    }

    /** Sends each online user's text from its own event loop; {@code text} may return null for none. */
    public void forEachOnline(IntFunction<String> text) {
        for (int i = 0; i < sessions.length(); i++) {
            XmppSession s = sessions.get(i);
            String t = s == null ? null : text.apply(i);
            if (t != null) {
                s.send(t);
            }
        }
    }

    private final SessionListener tracking = new SessionListener() {
        @Override
        public void stanza(XmppSession session, XmlElement stanza) {
            listener.stanza(session, stanza);
        }

        @Override
        public void closed(XmppSession session, String reason) {
            if (sessions.compareAndSet(session.index(), session, null)) {
                online.decrementAndGet();
                dropped.increment();
                ctx.failure("dropped:" + reason);
            }
            listener.closed(session, reason);
        }
    };
}
