package chorus.node.session;

import chorus.actors.feature.invite.Invite;
import chorus.actors.feature.invite.InviteSettings;
import chorus.actors.feature.invite.Invites;
import chorus.actors.session.SessionInput;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.Ns;
import chorus.persistence.invites.InMemoryInviteStore;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import static chorus.node.session.SessionFixture.DOMAIN;
import static chorus.node.session.SessionFixture.ROMEO;
import static chorus.node.session.SessionFixture.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0445 on a stream without a socket (see {@link SessionFixture}): a token lets one account register while
 * registration is closed, is used up only by a registration that succeeded, makes the inviter a contact, and every
 * token shown counts against the source's registration allowance (3 per hour here).
 */
class InviteRedemptionTest {
    static final ActorTestKit testKit = ActorTestKit.create();
    final SessionFixture f = new SessionFixture(testKit);
    final Invites invites = new Invites(new InviteSettings(true, Duration.ofDays(7), 10, true),
        new InMemoryInviteStore(Clock.systemUTC()), DOMAIN, Clock.systemUTC());
    /** What the account service was asked: "create juliet", "friends romeo juliet". */
    final List<String> asked = new CopyOnWriteArrayList<>();
    volatile UserEntity.AccountReply createReply = new UserEntity.AccountReply.Done();

    final AccountAdmin admin = new AccountAdmin() {
        @Override
        public CompletionStage<UserEntity.AccountReply> create(BareJid account, String password) {
            asked.add("create " + account.local());
            return CompletableFuture.completedFuture(createReply);
        }

        @Override
        public CompletionStage<UserEntity.AccountReply> changePassword(BareJid account, String password) {
            return CompletableFuture.failedFuture(new IllegalStateException());
        }

        @Override
        public CompletionStage<UserEntity.AccountReply> remove(BareJid account) {
            return CompletableFuture.failedFuture(new IllegalStateException());
        }

        @Override
        public CompletionStage<Void> subscribeMutually(BareJid a, BareJid b) {
            asked.add("friends " + a.local() + " " + b.local());
            return CompletableFuture.completedFuture(null);
        }
    };

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    SessionContext context() {
        SessionContext c = f.context(Duration.ofMinutes(1), List.of());
        return new SessionContext(c.domain(), c.c2s(), c.registration(), c.router(), c.accounts(), c.mailboxes(),
            c.clock(), c.registry(), c.sasl(), admin, c.limiter(), c.extensions(), c.metrics(), c.guards(), invites,
            c.sasl2());
    }

    static <T> T get(CompletionStage<T> s) {
        return s.toCompletableFuture().join();
    }

    static Element preauth(String id, String token) {
        return Element.build("iq", Ns.CLIENT).attr("type", "set").attr("id", id)
            .child(Element.build("preauth", "urn:xmpp:pars:0").attr("token", token).get()).get();
    }

    static Element register(String id, String user) {
        return Element.build("iq", Ns.CLIENT).attr("type", "set").attr("id", id)
            .child(Element.build("query", "jabber:iq:register").textChild("username", "jabber:iq:register", user)
                .textChild("password", "jabber:iq:register", "a long secret").get()).get();
    }

    /** The answer to the IQ with this id: "result", or the error's condition. */
    static String answer(RecordingTransport t, String id) throws InterruptedException {
        Iq iq = t.next(Iq.class);
        assertEquals(id, iq.id(), "answer to " + iq);
        if (iq.type() == Iq.Type.RESULT) {
            return "result";
        }
        assertTrue(iq.payload().isEmpty() || !iq.payload().get().ns().equals("urn:xmpp:pars:0"), "token echoed");
        return StanzaError.conditionOf(iq).xml();
    }

    ActorRef<SessionInput> stream(RecordingTransport t, SessionContext c) throws InterruptedException {
        ActorRef<SessionInput> s = f.start(t, c);
        List<String> features = f.opened(s, t);
        assertEquals(List.of("mechanisms", "authentication", "register", "register"), features, "closed IBR, invites on");
        return s;
    }

    @Test
    void aUserInviteLetsOneRegisterWhileRegistrationIsClosedAndMakesTheInviterAContact() throws Exception {
        Invite invite = get(invites.user(ROMEO));
        RecordingTransport t = new RecordingTransport(true, false);
        ActorRef<SessionInput> s = stream(t, context());
        s.tell(element(preauth("p1", invite.token())));
        assertEquals("result", answer(t, "p1"));
        s.tell(element(register("r1", "juliet")));
        assertEquals("result", answer(t, "r1"));
        assertEquals(List.of("create juliet", "friends romeo juliet"), asked);
        assertEquals(Optional.empty(), get(invites.check(invite.token())), "single use");
    }

    @Test
    void withoutATokenRegistrationStaysClosed() throws Exception {
        RecordingTransport t = new RecordingTransport(true, false);
        ActorRef<SessionInput> s = stream(t, context());
        s.tell(element(register("r1", "juliet")));
        assertEquals("service-unavailable", answer(t, "r1"));
        assertTrue(asked.isEmpty());
    }

    @Test
    void wrongTokensAreForbiddenAndUseUpTheAddressesAllowance() throws Exception {
        Invite invite = get(invites.account());
        SessionContext c = context();
        RecordingTransport t = new RecordingTransport(true, false);
        ActorRef<SessionInput> s = stream(t, c);
        for (int i = 0; i < 3; i++) {
            s.tell(element(preauth("p" + i, "guess" + i)));
            assertEquals("forbidden", answer(t, "p" + i));
        }
        // The allowance is spent: even the right token waits now, on this stream and on another.
        s.tell(element(preauth("p3", invite.token())));
        assertEquals("policy-violation", answer(t, "p3"));
        RecordingTransport other = new RecordingTransport(true, false);
        ActorRef<SessionInput> s2 = stream(other, c);
        s2.tell(element(preauth("q", invite.token())));
        assertEquals("policy-violation", answer(other, "q"));
        assertTrue(get(invites.check(invite.token())).isPresent(), "not used up by refused attempts");
    }

    @Test
    void aRegistrationThatFailsGivesTheTokenBack() throws Exception {
        Invite invite = get(invites.account());
        createReply = new UserEntity.AccountReply.Failed("conflict");
        RecordingTransport t = new RecordingTransport(true, false);
        ActorRef<SessionInput> s = stream(t, context());
        s.tell(element(preauth("p1", invite.token())));
        assertEquals("result", answer(t, "p1"));
        s.tell(element(register("r1", "romeo")));
        assertEquals("conflict", answer(t, "r1"));
        assertTrue(get(invites.check(invite.token())).isPresent());
        createReply = new UserEntity.AccountReply.Done();
        s.tell(element(register("r2", "juliet")));
        assertEquals("result", answer(t, "r2"));
        assertEquals(List.of("create romeo", "create juliet"), asked, "an account invite makes no contacts");
        assertFalse(get(invites.check(invite.token())).isPresent());
    }

    @Test
    void aTokenUsedOnAnotherStreamMeanwhileIsRefusedAtRegistration() throws Exception {
        Invite invite = get(invites.account());
        SessionContext c = context();
        RecordingTransport a = new RecordingTransport(true, false);
        RecordingTransport b = new RecordingTransport(true, false);
        ActorRef<SessionInput> sa = stream(a, c);
        ActorRef<SessionInput> sb = stream(b, c);
        sa.tell(element(preauth("p", invite.token())));
        sb.tell(element(preauth("p", invite.token())));
        assertEquals("result", answer(a, "p"));
        assertEquals("result", answer(b, "p"));
        sa.tell(element(register("r", "juliet")));
        assertEquals("result", answer(a, "r"));
        sb.tell(element(register("r", "tybalt")));
        assertEquals("forbidden", answer(b, "r"));
        assertEquals(List.of("create juliet"), asked);
    }
}
