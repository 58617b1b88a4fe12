package chorus.node.session;

import chorus.actors.session.SessionInput;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamEvent;
import chorus.node.stream.StreamHeader;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static chorus.node.session.SessionFixture.element;
import static chorus.node.session.SessionFixture.plain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client stream's negotiation without a socket (see {@link SessionFixture}): STARTTLS where the transport has
 * it, SASL, binding, and how each phase refuses what does not belong in it.
 */
class StreamNegotiationTest {
    static final ActorTestKit testKit = ActorTestKit.create();
    final SessionFixture f = new SessionFixture(testKit);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void aClientNegotiatesTlsSaslAndItsResourceOverATransportWithoutASocket() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        f.bound(transport, List.of());
        assertNull(transport.failed);
    }

    @Test
    void beforeTlsAnythingButStarttlsEndsTheStreamWithPolicyViolation() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.start(transport, List.of());
        f.opened(session, transport);
        session.tell(element(plain("juliet", "secret")));
        assertEquals("policy-violation", transport.next(StreamError.class).condition());
    }

    @Test
    void aHeaderForAnotherDomainGetsOurHeaderThenHostUnknown() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.start(transport, List.of());
        session.tell(new StreamSession.Inbound(
            new StreamEvent.StreamOpen(Map.of("to", "example.net", "version", "1.0"))));
        assertEquals("example.org", transport.next(StreamHeader.class).from());
        assertEquals("host-unknown", transport.next(StreamError.class).condition());
    }

    @Test
    void aTransportThatIsTlsUnderneathOffersSaslAtOnce() throws InterruptedException {
        // WebSocket (RFC 7395 §3.6) and BOSH: no STARTTLS within the stream.
        RecordingTransport transport = new RecordingTransport(true, false);
        assertEquals(List.of("mechanisms", "authentication"), f.opened(f.start(transport, List.of()), transport));
    }

    @Test
    void negotiationThatTakesTooLongEndsWithConnectionTimeout() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        testKit.spawn(StreamSession.create(transport, f.context(Duration.ofMillis(100), List.of())));
        assertNotNull(transport.next(StreamHeader.class), "an error comes inside a stream of ours");
        assertEquals("connection-timeout", transport.next(StreamError.class).condition());
    }

    @Test
    void aWrongPasswordIsAnsweredAfterTheDelayAndTheStreamGoesOn() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = f.start(transport, List.of());
        f.opened(session, transport);
        f.authenticate(session, "wrong");
        Element failure = transport.next(Element.class);
        assertTrue(failure.is("failure", Ns.SASL));
        assertTrue(failure.child("not-authorized", Ns.SASL).isPresent());
        assertNull(transport.failed);
    }
}
