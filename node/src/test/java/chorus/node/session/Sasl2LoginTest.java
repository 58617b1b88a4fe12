package chorus.node.session;

import chorus.actors.feature.carbons.Carbons;
import chorus.actors.session.SessionInput;
import chorus.actors.session.SessionMessage;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.node.sasl2.Sasl2Wire;
import chorus.node.stream.StreamErrors;
import chorus.node.stream.StreamHeader;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static chorus.node.session.SessionFixture.BALCONY;
import static chorus.node.session.SessionFixture.CREDS;
import static chorus.node.session.SessionFixture.JULIET;
import static chorus.node.session.SessionFixture.ROMEO;
import static chorus.node.session.SessionFixture.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SASL2 (XEP-0388) with Bind 2 (XEP-0386) and XEP-0198 inline, on a session without a socket (see
 * {@link SessionFixture}); the mechanism is PLAIN with an initial response, which the fixture's entity answers.
 */
class Sasl2LoginTest {
    static final ActorTestKit testKit = ActorTestKit.create();
    final SessionFixture f = new SessionFixture(testKit);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    static Element authenticate(String password, Element... inline) {
        String response = "\0juliet\0" + password;
        Element.Builder b = Element.build("authenticate", Sasl2Wire.NS).attr("mechanism", "PLAIN")
            .textChild("initial-response", Sasl2Wire.NS,
                Base64.getEncoder().encodeToString(response.getBytes(StandardCharsets.UTF_8)));
        for (Element e : inline) {
            b.child(e);
        }
        return b.get();
    }

    static Element userAgent(String id) {
        return Element.build("user-agent", Sasl2Wire.NS).attr("id", id)
            .textChild("software", Sasl2Wire.NS, "AwesomeXMPP").textChild("device", Sasl2Wire.NS, "Kiva's Phone").get();
    }

    static Element bind2(Element... features) {
        Element.Builder b = Element.build("bind", Sasl2Wire.BIND2).textChild("tag", Sasl2Wire.BIND2, "AwesomeXMPP");
        for (Element e : features) {
            b.child(e);
        }
        return b.get();
    }

    /** A secure stream opened and its features read: SASL2's {@code <authentication/>} among them. */
    ActorRef<SessionInput> opened(RecordingTransport transport) throws InterruptedException {
        ActorRef<SessionInput> session = f.start(transport, List.of());
        session.tell(SessionFixture.open());
        transport.next(StreamHeader.class);
        Element features = transport.next(Element.class);
        Element auth = features.child("authentication", Sasl2Wire.NS).orElseThrow();
        assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"),
            auth.elements("mechanism", Sasl2Wire.NS).stream().map(Element::text).toList());
        return session;
    }

    void credentials() {
        f.entityGets(UserEntity.GetCredentials.class).replyTo().tell(new UserEntity.CredentialsReply(CREDS));
    }

    @Test
    void theFeatureOffersBind2WithCarbonsCsiAndStreamManagementInlineAndResumption() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = f.start(transport, List.of());
        session.tell(SessionFixture.open());
        transport.next(StreamHeader.class);
        Element inline = transport.next(Element.class).child("authentication", Sasl2Wire.NS).orElseThrow()
            .child("inline", Sasl2Wire.NS).orElseThrow();
        List<String> bindInline = inline.child("bind", Sasl2Wire.BIND2).orElseThrow().child("inline", Sasl2Wire.BIND2)
            .orElseThrow().elements().stream().map(e -> e.attr("var")).toList();
        assertEquals(List.of(Sasl2Wire.CARBONS, Sasl2Wire.CSI, Sasl2Wire.SM), bindInline);
        assertTrue(inline.child("sm", Sasl2Wire.SM).isPresent());
    }

    @Test
    void aLoginWithBind2BindsWithCarbonsAndStreamManagementAndTheStreamIsNotRestarted() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = opened(transport);
        session.tell(element(authenticate("secret", userAgent("d4565fa7-4d72-4749-b3d3-740edbf87770"),
            bind2(Element.of("enable", Sasl2Wire.CARBONS), Element.of("inactive", Sasl2Wire.CSI),
                Element.build("enable", Sasl2Wire.SM).attr("resume", "true").get()))));
        credentials();
        UserEntity.Bind bind = f.entityGets(UserEntity.Bind.class);
        // XEP-0386 §4: the server picks the resource, the same for the same user-agent at each login.
        assertTrue(bind.resource().matches("AwesomeXMPP\\.[0-9a-f]{12}"), bind.resource());
        assertEquals(java.util.Set.of(Carbons.NS), bind.interests());
        assertTrue(bind.kickOld(), "the same client logging in again takes its resource over");
        bind.replyTo().tell(new UserEntity.BindReply.Bound(JULIET.withResource(bind.resource()), f.entity.getRef()));
        Element success = transport.next(Element.class);
        assertTrue(success.is("success", Sasl2Wire.NS), success.toString());
        assertEquals("juliet@example.org/" + bind.resource(),
            success.childText("authorization-identifier", Sasl2Wire.NS).orElseThrow());
        Element enabled = success.child("bound", Sasl2Wire.BIND2).orElseThrow().child("enabled", Sasl2Wire.SM)
            .orElseThrow();
        assertEquals("true", enabled.attr("resume"));
        assertNotNull(enabled.attr("id"));
        assertEquals(0, transport.restarts);
        // Stream management is on: the entity learns the session may be resumed, and <r/> is answered.
        assertEquals(enabled.attr("id"), f.entityGets(UserEntity.Resumable.class).id());
        session.tell(element(Element.of("r", Sasl2Wire.SM)));
        assertTrue(transport.next(Element.class).is("a", Sasl2Wire.SM));
    }

    @Test
    void withoutBind2TheClientBindsTheOldWayAfterSuccess() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = opened(transport);
        session.tell(element(authenticate("secret")));
        credentials();
        Element success = transport.next(Element.class);
        assertEquals("juliet@example.org", success.childText("authorization-identifier", Sasl2Wire.NS).orElseThrow());
        session.tell(element(SessionFixture.bindRequest("balcony")));
        assertEquals("balcony", f.entityGets(UserEntity.Bind.class).resource());
    }

    @Test
    void aWrongPasswordIsASasl2FailureAndFailuresCountAsOverLegacySasl() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = opened(transport);
        for (int i = 0; i < 3; i++) {
            session.tell(element(authenticate("wrong")));
            credentials();
            Element failure = transport.next(Element.class);
            assertTrue(failure.is("failure", Sasl2Wire.NS), failure.toString());
            assertTrue(failure.child("not-authorized", Ns.SASL).isPresent(), failure.toString());
        }
        // The fixture allows 3 failures (chorus.c2s.max-auth-failures): the third ends the stream.
        awaitFailed(transport);
        assertEquals(StreamErrors.POLICY_VIOLATION, transport.failed.condition());
    }

    @Test
    void anOversizedUserAgentIsMalformedRequestAndCounts() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = opened(transport);
        for (int i = 0; i < 3; i++) {
            session.tell(element(authenticate("secret", userAgent("x".repeat(65)))));
            Element failure = transport.next(Element.class);
            assertTrue(failure.child("malformed-request", Ns.SASL).isPresent(), failure.toString());
            assertTrue(failure.childText("text", Sasl2Wire.NS).orElseThrow().contains("longer than 64"));
        }
        awaitFailed(transport);
        f.entityGetsNo(UserEntity.GetCredentials.class, Duration.ofMillis(100));
    }

    @Test
    void anInlineResumptionResumesInsideTheSuccessAndSendsAgainWhatTheClientMissed() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = opened(transport);
        session.tell(element(authenticate("secret",
            Element.build("resume", Sasl2Wire.SM).attr("previd", "old-id").attr("h", "0").get(),
            bind2(Element.build("enable", Sasl2Wire.SM).attr("resume", "true").get()))));
        credentials();
        UserEntity.Resume resume = f.entityGets(UserEntity.Resume.class);
        assertEquals("old-id", resume.id());
        resume.replyTo().tell(new UserEntity.BindReply.Bound(BALCONY, f.entity.getRef()));
        Message missed = Message.chat(ROMEO.withResource("phone"), BALCONY, "m1", "missed");
        session.tell(new SessionMessage.Resumption(false, "old-id", 0, 1,
            List.of(new SessionMessage.Unacked(missed, 5, 1)), null, true, List.of(), 300));
        Element success = transport.next(Element.class);
        assertTrue(success.is("success", Sasl2Wire.NS), success.toString());
        assertEquals(BALCONY.toString(), success.childText("authorization-identifier", Sasl2Wire.NS).orElseThrow());
        assertTrue(success.child("resumed", Sasl2Wire.SM).isPresent(), success.toString());
        assertFalse(success.child("bound", Sasl2Wire.BIND2).isPresent(), "a resumed stream binds nothing");
        assertEquals(missed, transport.next(Message.class));
    }

    @Test
    void aFailedInlineResumptionIsReportedAndBind2BindsAfresh() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = opened(transport);
        session.tell(element(authenticate("secret",
            Element.build("resume", Sasl2Wire.SM).attr("previd", "gone").attr("h", "0").get(), bind2())));
        credentials();
        f.entityGets(UserEntity.Resume.class).replyTo().tell(new UserEntity.BindReply.Refused("item-not-found"));
        UserEntity.Bind bind = f.entityGets(UserEntity.Bind.class);
        bind.replyTo().tell(new UserEntity.BindReply.Bound(JULIET.withResource(bind.resource()), f.entity.getRef()));
        Element success = transport.next(Element.class);
        assertTrue(success.child("failed", Sasl2Wire.SM).orElseThrow().child("item-not-found", Ns.STANZAS).isPresent(),
            success.toString());
        assertTrue(success.child("bound", Sasl2Wire.BIND2).isPresent(), success.toString());
    }

    private static void awaitFailed(RecordingTransport transport) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (transport.failed == null && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertNotNull(transport.failed, "the stream ended");
    }
}
