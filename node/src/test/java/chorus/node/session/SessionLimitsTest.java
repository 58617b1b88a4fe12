package chorus.node.session;

import chorus.actors.session.SessionInput;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.StanzaError;
import chorus.node.config.SessionLimits;
import chorus.node.login.LoginThrottle;
import chorus.node.login.LookupTimes;
import chorus.node.stream.StreamError;
import chorus.node.xmppstream.ClientSource;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import static chorus.node.session.SessionFixture.element;
import static chorus.node.session.SessionFixture.plain;
import static chorus.node.session.SessionFixture.stanza;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session-level limits of issue 14 without a socket (see {@link SessionFixture}). */
class SessionLimitsTest {
    static final ActorTestKit testKit = ActorTestKit.create();
    final SessionFixture f = new SessionFixture(testKit);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    static SessionLimits limits(SessionLimits.Rate rate, Duration lookupTime, int maxSessions) {
        return new SessionLimits(Duration.ofSeconds(5), Duration.ofSeconds(1), maxSessions, rate,
            SessionLimits.LoginThrottling.OFF, lookupTime, Duration.ofSeconds(2), Duration.ofSeconds(20), 1, 10);
    }

    SessionContext context(SessionLimits limits, SessionGuards guards) {
        return f.context(Duration.ofMinutes(1), List.of(), limits, guards);
    }

    static SessionGuards guards(LoginThrottle throttle, Executor hashing, IdleSweep idle) {
        return new SessionGuards(throttle, hashing, idle, new LookupTimes(Duration.ZERO));
    }

    /** A secure stream with its header answered: ready for SASL. */
    ActorRef<SessionInput> readyForSasl(RecordingTransport transport, SessionContext context) throws InterruptedException {
        ActorRef<SessionInput> session = f.start(transport, context);
        f.opened(session, transport);
        return session;
    }

    static Element failure(RecordingTransport transport) throws InterruptedException {
        Element e = transport.next(Element.class);
        assertTrue(e.is("failure", Ns.SASL), "not a SASL failure: " + e);
        return e;
    }

    // ---- logins ----

    @Test
    void plainChecksThePasswordOnTheHashingPoolNotOnTheSessionsThread() throws InterruptedException {
        List<String> ranOn = new CopyOnWriteArrayList<>();
        Executor pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-hashing"));
        Executor recording = r -> pool.execute(() -> {
            ranOn.add(Thread.currentThread().getName());
            r.run();
        });
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = readyForSasl(transport,
            context(SessionLimits.NONE, guards(LoginThrottle.NONE, recording, IdleSweep.off())));
        f.authenticate(session, "secret");
        assertTrue(transport.next(Element.class).is("success", Ns.SASL));
        assertEquals(List.of("test-hashing"), ranOn);
    }

    @Test
    void aFullHashingPoolAnswersTemporaryAuthFailureAndJudgesNothing() throws InterruptedException {
        Executor full = r -> {
            throw new RejectedExecutionException("full");
        };
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = readyForSasl(transport,
            context(SessionLimits.NONE, guards(LoginThrottle.NONE, full, IdleSweep.off())));
        f.authenticate(session, "secret");
        assertTrue(failure(transport).child("temporary-auth-failure", Ns.SASL).isPresent());
    }

    @Test
    void aRefusedNameOrSourceGetsTemporaryAuthFailureWithoutALookupAndFailuresAreCounted() throws InterruptedException {
        List<String> counted = new CopyOnWriteArrayList<>();
        boolean[] refuse = {false};
        LoginThrottle throttle = new LoginThrottle() {
            @Override
            public CompletionStage<Verdict> check(BareJid account, ClientSource source) {
                return CompletableFuture.completedFuture(refuse[0] ? new Verdict(Scope.ACCOUNT, 0) : Verdict.FREE);
            }

            @Override
            public void failed(BareJid account, ClientSource source) {
                counted.add("failed " + account);
            }

            @Override
            public void succeeded(BareJid account) {
                counted.add("succeeded " + account);
            }
        };
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = readyForSasl(transport,
            context(SessionLimits.NONE, guards(throttle, Runnable::run, IdleSweep.off())));
        f.authenticate(session, "wrong");
        assertTrue(failure(transport).child("not-authorized", Ns.SASL).isPresent());
        assertEquals(List.of("failed juliet@example.org"), counted);
        refuse[0] = true;
        session.tell(element(plain("juliet", "secret")));
        Element refused = failure(transport);
        assertTrue(refused.child("temporary-auth-failure", Ns.SASL).isPresent());
        assertEquals(SaslPhase.REFUSED, refused.childText("text", Ns.SASL).orElseThrow());
        f.entityGetsNo(UserEntity.GetCredentials.class, Duration.ofMillis(200));
        refuse[0] = false;
        f.authenticate(session, "secret");
        assertTrue(transport.next(Element.class).is("success", Ns.SASL));
        assertEquals("succeeded juliet@example.org", counted.get(counted.size() - 1));
    }

    @Test
    void everyLoginIsCountedByItsOutcome() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = readyForSasl(transport, context(SessionLimits.NONE, SessionGuards.none()));
        f.authenticate(session, "wrong");
        failure(transport);
        session.tell(element(Element.of("abort", Ns.SASL)));
        failure(transport);
        f.authenticate(session, "secret");
        assertTrue(transport.next(Element.class).is("success", Ns.SASL));
        for (String outcome : List.of("not-authorized", "aborted", "success")) {
            assertEquals(1.0, f.metrics.registry().get("chorus.logins").tag("outcome", outcome).counter().count(),
                outcome);
        }
    }

    @Test
    void theAnswerToALookupWaitsForTheLookupTimeHoweverFastTheEntityIs() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = readyForSasl(transport,
            context(limits(SessionLimits.Rate.OFF, Duration.ofMillis(400), 0), new SessionGuards(LoginThrottle.NONE,
                Runnable::run, IdleSweep.off(), new LookupTimes(Duration.ofMillis(400)))));
        String clientFirst = "n,,n=juliet,r=abcdefghijklmnop";
        long sent = System.nanoTime();
        session.tell(element(Element.build("auth", Ns.SASL).attr("mechanism", "SCRAM-SHA-256")
            .text(Base64.getEncoder().encodeToString(clientFirst.getBytes(StandardCharsets.UTF_8))).get()));
        f.entityGets(UserEntity.GetCredentials.class).replyTo().tell(new UserEntity.CredentialsReply(null));
        Element challenge = transport.next(Element.class);
        long took = (System.nanoTime() - sent) / 1_000_000;
        assertTrue(challenge.is("challenge", Ns.SASL), challenge.toString());
        assertTrue(took >= 400, "the server-first message came after " + took + " ms");
    }

    // ---- binding ----

    @Test
    void bindingAsksForTheAccountsSessionLimitAndPassesItsRefusalOn() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        SessionContext context = context(limits(SessionLimits.Rate.OFF, Duration.ZERO, 3), SessionGuards.none());
        ActorRef<SessionInput> session = f.start(transport, context);
        f.opened(session, transport);
        session.tell(element(Element.of("starttls", Ns.TLS)));
        transport.next(Element.class);
        f.opened(session, transport);
        f.authenticate(session, "secret");
        transport.next(Element.class);
        f.opened(session, transport);
        session.tell(element(SessionFixture.bindRequest("tenth")));
        UserEntity.Bind bind = f.entityGets(UserEntity.Bind.class);
        assertEquals(3, bind.maxSessions());
        bind.replyTo().tell(new UserEntity.BindReply.Refused("resource-constraint"));
        Iq error = transport.next(Iq.class);
        assertEquals(Iq.Type.ERROR, error.type());
        assertTrue(error.children().stream().anyMatch(n -> n instanceof Element e
            && e.child(StanzaError.Condition.RESOURCE_CONSTRAINT.xml(), Ns.STANZAS).isPresent()), error.toString());
    }

    // ---- idle ----

    /** Idle after 5 s, 1 s to answer the ping. */
    SessionContext watchedBy(IdleSweep idle) {
        return context(limits(SessionLimits.Rate.OFF, Duration.ZERO, 0), guards(LoginThrottle.NONE, Runnable::run, idle));
    }

    @Test
    void aSilentSessionIsPingedAndEndsWhenNothingAnswersInTime() throws InterruptedException {
        IdleSweep idle = IdleSweep.manual(Duration.ofSeconds(5), System::nanoTime);
        RecordingTransport transport = new RecordingTransport(false, true);
        SessionContext context = watchedBy(idle);
        f.bound(transport, context);
        assertEquals(1, idle.watching());
        idle.sweep();
        transport.expectNothing(Duration.ofMillis(100));
        transport.lastReceived = System.nanoTime() - Duration.ofSeconds(6).toNanos();
        idle.sweep();
        Iq ping = transport.next(Iq.class);
        assertEquals(Iq.Type.GET, ping.type());
        assertTrue(ping.payloadIs("urn:xmpp:ping", "ping"));
        idle.sweep();
        transport.expectNothing(Duration.ofMillis(300));
        Thread.sleep(800); // the answer (1 s) is overdue
        idle.sweep();
        assertEquals("connection-timeout", transport.next(StreamError.class).condition());
        assertEquals(0, idle.watching());
    }

    @Test
    void anAnswerToThePingOrAnyTrafficKeepsTheSessionAndTheAnswerGoesNowhere() throws InterruptedException {
        IdleSweep idle = IdleSweep.manual(Duration.ofSeconds(5), System::nanoTime);
        RecordingTransport transport = new RecordingTransport(false, true);
        SessionContext context = watchedBy(idle);
        ActorRef<SessionInput> session = f.bound(transport, context);
        transport.lastReceived = System.nanoTime() - Duration.ofSeconds(6).toNanos();
        idle.sweep();
        Iq ping = transport.next(Iq.class);
        Thread.sleep(1100);
        transport.lastReceived = System.nanoTime(); // the pong arrives
        session.tell(stanza(new Iq(null, new chorus.actors.xmpp.DomainJid("example.org"), ping.id(), Iq.Type.RESULT,
            null, List.of())));
        transport.lastReceived = System.nanoTime() - Duration.ofSeconds(6).toNanos();
        idle.sweep();
        assertEquals(Iq.Type.GET, transport.next(Iq.class).type(), "silent again later: pinged again, not ended");
        assertTrue(f.routes.isEmpty(), "the pong was the session's own: " + f.routes);
    }

    @Test
    void aSessionWithStreamManagementIsNotWatched() throws InterruptedException {
        IdleSweep idle = IdleSweep.manual(Duration.ofSeconds(5), System::nanoTime);
        RecordingTransport transport = new RecordingTransport(false, true);
        SessionContext context = watchedBy(idle);
        ActorRef<SessionInput> session = f.bound(transport, context);
        session.tell(element(Element.build("enable", StreamManagement.NS).attr("resume", "true").get()));
        assertTrue(transport.next(Element.class).is("enabled", StreamManagement.NS));
        assertEquals(0, idle.watching());
    }

    // ---- rate ----

    @Test
    void aClientOverItsRateWaitsItsTurnAndNothingItSentIsLostOrReordered() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        SessionContext context = context(limits(new SessionLimits.Rate(5, 3, 0, 1), Duration.ZERO, 0),
            SessionGuards.none());
        ActorRef<SessionInput> session = f.bound(transport, context);
        int before = transport.processed.get();
        // Binding took one element of the burst of 3: two pass, the third puts it in debt, the rest wait 0.2 s each.
        long t0 = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            session.tell(stanza(Message.chat(SessionFixture.BALCONY, SessionFixture.ROMEO, "m" + i, "hi")));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals("m" + i, ((Message) f.routedNext("acknowledged")).id());
        }
        assertTrue(transport.processed.get() - before <= 4, "what waits is not reported processed: the transport "
            + "stops reading ahead");
        for (int i = 3; i < 6; i++) {
            assertEquals("m" + i, ((Message) f.routedNext("acknowledged")).id());
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis >= 550, "three waited their turn, 0.2 s each: " + millis + " ms");
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (transport.processed.get() < before + 6 && System.nanoTime() < deadline) {
            Thread.sleep(10); // reported after the routing
        }
        assertEquals(before + 6, transport.processed.get());
        assertFalse(transport.paused, "reading is left to the transport's flow control");
    }

    @Test
    void aClientBehindItsRateForTenBurstsTimeEndsWithPolicyViolation() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        // 10 a second, burst 1: behind for ten bursts' time (1 s) is abusive.
        SessionContext context = context(limits(new SessionLimits.Rate(10, 1, 0, 1), Duration.ZERO, 0),
            SessionGuards.none());
        ActorRef<SessionInput> session = f.bound(transport, context);
        for (int i = 0; i < 40; i++) {
            session.tell(stanza(Message.chat(SessionFixture.BALCONY, SessionFixture.ROMEO, "m" + i, "hi")));
        }
        long t0 = System.nanoTime();
        Object o = transport.next();
        while (!(o instanceof StreamError)) {
            o = transport.next();
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("policy-violation", ((StreamError) o).condition());
        assertTrue(millis >= 900, "handled at the rate until then: " + millis + " ms");
    }
}
