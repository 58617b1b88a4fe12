package chorus.node.session;

import chorus.actors.account.Credentials;
import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.feature.Features;
import chorus.actors.feature.ping.PingHandler;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.metrics.NodeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import chorus.actors.router.Router;
import chorus.actors.session.SessionInput;
import chorus.actors.session.SessionMessage;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;
import chorus.node.config.C2sSettings;
import chorus.node.config.ConnectionLimits;
import chorus.node.config.RegistrationSettings;
import chorus.node.config.SessionLimits;
import chorus.node.config.SmSettings;
import chorus.node.sasl.SaslMechanisms;
import chorus.node.sasl.SaslSettings;
import chorus.node.sasl2.Sasl2Settings;
import chorus.node.stream.StreamEvent;
import chorus.node.stream.StreamHeader;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client stream session without a socket, a Netty channel or a cluster: a {@link RecordingTransport} carries the
 * stream, probes stand in for the account's entity and mailbox, and a router with a recording port shows where
 * what the client sends goes. One per test; the actor system is the test class's.
 */
final class SessionFixture {
    static final DomainJid DOMAIN = new DomainJid("example.org");
    static final BareJid JULIET = new BareJid("juliet", "example.org");
    static final FullJid BALCONY = JULIET.withResource("balcony");
    static final BareJid ROMEO = new BareJid("romeo", "example.org");
    static final Credentials CREDS = Credentials.derive("secret", Credentials.MIN_ITERATIONS, new SecureRandom());
    static final SmSettings SM = new SmSettings(true, Duration.ofSeconds(300), Duration.ofSeconds(3600), 500);

    private final ActorTestKit testKit;
    /** The node's meters, in a real registry the tests read. */
    final NodeMetrics metrics = new NodeMetrics(new SimpleMeterRegistry());
    final TestProbe<UserEntity.Command> entity;
    final TestProbe<MailboxEntity.Command> mailbox;
    /** What reached the router's accounts port: the stanzas, and how ("own", "deliver", "acknowledged"). */
    final BlockingQueue<String> routes = new LinkedBlockingQueue<>();
    final BlockingQueue<Stanza> routed = new LinkedBlockingQueue<>();
    final Router router = new Router(DOMAIN, new Router.Accounts() {
        @Override
        public void deliver(BareJid account, Stanza stanza) {
            record("deliver", stanza);
        }

        @Override
        public void deliverAcknowledged(BareJid account, Stanza m, ActorRef<SessionMessage> ackTo, long seq) {
            record("acknowledged", m);
        }

        @Override
        public void fromOwnSession(BareJid account, Stanza stanza) {
            record("own", stanza);
        }

        @Override
        public void sent(BareJid account, Message m) {
        }
    }, null, new Features(List.of(new PingHandler())), m -> false, Clock.systemUTC(), DeliveryFailures.NONE);

    SessionFixture(ActorTestKit testKit) {
        this.testKit = testKit;
        this.entity = testKit.createTestProbe();
        this.mailbox = testKit.createTestProbe();
    }

    void record(String how, Stanza st) {
        routes.add(how);
        routed.add(st);
    }

    SessionContext context(Duration negotiationTimeout, List<SessionExtension.Factory> extensions) {
        return context(negotiationTimeout, extensions, SessionLimits.NONE, SessionGuards.none());
    }

    SessionContext context(Duration negotiationTimeout, List<SessionExtension.Factory> extensions, SessionLimits limits,
                           SessionGuards guards) {
        C2sSettings c2s = new C2sSettings(5222, 5223, 256 * 1024, 32, 0, negotiationTimeout, Duration.ofMillis(10), 3,
            C2sSettings.ResourceConflict.KICK_OLD, "", SM,
            new ConnectionLimits(1000, 100, 64 * 1024, 256 * 1024, 16L * 1024 * 1024, Duration.ofSeconds(30), 1000, 1000, 1000),
            limits);
        AccountAdmin noAccounts = new AccountAdmin() {
            @Override
            public CompletableFuture<UserEntity.AccountReply> create(BareJid account, String password) {
                return CompletableFuture.failedFuture(new IllegalStateException("not in this test"));
            }

            @Override
            public CompletableFuture<UserEntity.AccountReply> changePassword(BareJid account, String password) {
                return create(account, password);
            }

            @Override
            public CompletableFuture<UserEntity.AccountReply> remove(BareJid account) {
                return create(account, null);
            }
        };
        return new SessionContext(DOMAIN, c2s, new RegistrationSettings(false, 3, Duration.ofHours(1), List.of(), "", Duration.ofHours(72)),
            router, jid -> entity.getRef(), jid -> mailbox.getRef(), Clock.systemUTC(), SessionRegistry.NONE,
            new SaslMechanisms(SaslSettings.allMechanisms(4096, new byte[32]), new SecureRandom()), noAccounts,
            new RegistrationLimiter(3, Duration.ofHours(1), Clock.systemUTC()), extensions, metrics, guards,
            null, new Sasl2Settings(true, 64, true, true,
                new chorus.actors.feature.fast.FastSettings(true, Duration.ofDays(14), 8)));
    }

    /** A session over a plain TCP-like transport (STARTTLS first). */
    ActorRef<SessionInput> start(RecordingTransport transport, List<SessionExtension.Factory> extensions) {
        return start(transport, context(Duration.ofMinutes(1), extensions));
    }

    ActorRef<SessionInput> start(RecordingTransport transport, SessionContext context) {
        return testKit.spawn(StreamSession.create(transport, context));
    }

    static StreamSession.Inbound open() {
        return new StreamSession.Inbound(new StreamEvent.StreamOpen(Map.of("to", "example.org", "version", "1.0",
            "xmlns", Ns.CLIENT, "xmlns:stream", Ns.STREAMS)));
    }

    static StreamSession.Inbound element(Element e) {
        return new StreamSession.Inbound(new StreamEvent.StanzaReceived(e));
    }

    static StreamSession.Inbound stanza(Stanza st) {
        return element(st.toElement(Ns.CLIENT));
    }

    static Element plain(String user, String password) {
        String response = "\0" + user + "\0" + password;
        return Element.build("auth", Ns.SASL).attr("mechanism", "PLAIN")
            .text(Base64.getEncoder().encodeToString(response.getBytes(StandardCharsets.UTF_8))).get();
    }

    static Element bindRequest(String resource) {
        return Element.build("iq", Ns.CLIENT).attr("type", "set").attr("id", "bind-1")
            .child(Element.build("bind", Ns.BIND).textChild("resource", Ns.BIND, resource).get()).get();
    }

    /** Features our stream offered, by element name. */
    static List<String> features(Object o) {
        Element f = (Element) o;
        assertTrue(f.is("features", Ns.STREAMS), "not a features element: " + f);
        List<String> names = new ArrayList<>();
        f.elements().forEach(e -> names.add(e.name()));
        return names;
    }

    <T extends UserEntity.Command> T entityGets(Class<T> type) {
        List<UserEntity.Command> got = entity.fishForMessage(Duration.ofSeconds(5),
            m -> type.isInstance(m) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        return type.cast(got.get(got.size() - 1));
    }

    /** A new stream of ours answers the client's header; returns the features offered. */
    List<String> opened(ActorRef<SessionInput> session, RecordingTransport transport) throws InterruptedException {
        session.tell(open());
        transport.next(StreamHeader.class);
        return features(transport.next());
    }

    /** SASL PLAIN for juliet with this password, the entity answering with her credentials. */
    void authenticate(ActorRef<SessionInput> session, String password) {
        session.tell(element(plain("juliet", password)));
        entityGets(UserEntity.GetCredentials.class).replyTo().tell(new UserEntity.CredentialsReply(CREDS));
    }

    /** Nothing of this type reaches the entity for a while (acknowledgements and the like may). */
    void entityGetsNo(Class<?> type, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            UserEntity.Command m = null;
            try {
                m = entity.receiveMessage(Duration.ofMillis(20));
            } catch (AssertionError nothingYet) {
                // quiet for now
            }
            assertFalse(type.isInstance(m), "the entity got " + m);
        }
    }

    /** STARTTLS, SASL PLAIN, a new stream, and the resource bound: the whole negotiation, as a client does it. */
    ActorRef<SessionInput> bound(RecordingTransport transport, List<SessionExtension.Factory> extensions)
        throws InterruptedException {
        return bound(transport, context(Duration.ofMinutes(1), extensions));
    }

    ActorRef<SessionInput> bound(RecordingTransport transport, SessionContext context) throws InterruptedException {
        return bound(transport, context, entity.getRef());
    }

    /** As {@link #bound(RecordingTransport, SessionContext)}, bound to {@code incarnation} of the entity. */
    ActorRef<SessionInput> bound(RecordingTransport transport, SessionContext context,
                                 ActorRef<UserEntity.Command> incarnation) throws InterruptedException {
        ActorRef<SessionInput> session = readyToBind(transport, context);
        session.tell(element(bindRequest("balcony")));
        UserEntity.Bind bind = entityGets(UserEntity.Bind.class);
        assertEquals("balcony", bind.resource());
        bind.replyTo().tell(new UserEntity.BindReply.Bound(BALCONY, incarnation));
        Iq result = transport.next(Iq.class);
        assertEquals(Iq.Type.RESULT, result.type());
        assertEquals(BALCONY.toString(), result.payload().orElseThrow().childText("jid", Ns.BIND).orElseThrow());
        return session;
    }

    /** STARTTLS, SASL PLAIN and the new stream: the session waits for the client's bind request. */
    ActorRef<SessionInput> readyToBind(RecordingTransport transport, SessionContext context)
        throws InterruptedException {
        ActorRef<SessionInput> session = start(transport, context);
        assertEquals(List.of("starttls"), opened(session, transport));
        session.tell(element(Element.of("starttls", Ns.TLS)));
        assertTrue(transport.next(Element.class).is("proceed", Ns.TLS));
        assertTrue(transport.secure);
        assertEquals(List.of("mechanisms", "authentication"), opened(session, transport));
        authenticate(session, "secret");
        assertTrue(transport.next(Element.class).is("success", Ns.SASL));
        assertEquals(1, transport.restarts);
        List<String> offered = opened(session, transport);
        assertTrue(offered.containsAll(List.of("bind", "sm", "session", "ver")), offered.toString());
        return session;
    }

    Stanza routedNext(String how) throws InterruptedException {
        assertEquals(how, routes.poll(5, TimeUnit.SECONDS));
        return routed.poll(5, TimeUnit.SECONDS);
    }
}
