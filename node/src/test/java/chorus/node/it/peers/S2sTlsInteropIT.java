package chorus.node.it.peers;

import chorus.node.s2s.PeerCertificates;
import chorus.node.s2s.S2sEndpoint;
import chorus.node.s2s.S2sResolver;
import chorus.node.tls.S2sTlsContexts;
import chorus.node.tls.SelfSignedCertificate;
import chorus.node.tls.TestCa;
import chorus.node.tls.TrustAnchors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chorus's federation building blocks against real Prosody 0.12 and ejabberd 23.01: the resolver finds
 * each peer through the world's DNS, Chorus's s2s TLS completes STARTTLS with it, the peer's certificate
 * is valid for its domain by {@link PeerCertificates}, and the peer accepts Chorus's certificate for
 * {@code chorus.example} with SASL EXTERNAL (XEP-0178) — and, for a self-signed one, leaves only dialback.
 */
class S2sTlsInteropIT {
    static PeerWorld world;
    static S2sResolver resolver;
    static PeerCertificates certificates;
    static S2sTlsContexts chorus;

    @BeforeAll
    static void startWorld() throws Exception {
        world = PeerWorld.start(PeerWorld.options());
        resolver = S2sResolver.create(new S2sResolver.Config(
                List.of(new InetSocketAddress(world.dns().ip(), world.dns().port())), Duration.ofSeconds(2), Map.of()));
        certificates = new PeerCertificates(TrustAnchors.of(List.of(world.caCertificate())),
                Clock.systemUTC());
        chorus = S2sTlsContexts.create(world.issue(TestCa.Names.dns(PeerWorld.CHORUS_DOMAIN, "*." + PeerWorld.CHORUS_DOMAIN)));
    }

    @AfterAll
    static void stopWorld() {
        if (world != null) {
            world.close();
        }
    }

    static PeerServer peer(String name) {
        return name.equals("prosody") ? world.prosody() : world.ejabberd();
    }

    static InetSocketAddress resolve(PeerServer peer) throws Exception {
        List<S2sEndpoint.Address> found = resolver.resolve(peer.domain()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(new InetSocketAddress(peer.ip(), peer.s2sPort()), found.get(0).address(), world.dns().log());
        return found.get(0).address();
    }

    @ParameterizedTest
    @ValueSource(strings = {"prosody", "ejabberd"})
    void aPeerAcceptsChorusCertificateForSaslExternal(String name) throws Exception {
        PeerServer peer = peer(name);
        try (S2sProbe probe = S2sProbe.connect(resolve(peer), PeerWorld.CHORUS_DOMAIN, peer.domain())) {
            String features = probe.openStream();
            assertTrue(features.contains("urn:ietf:params:xml:ns:xmpp-tls"), features);
            probe.startTls(chorus);
            PeerCertificates.Verdict verdict = certificates.check(probe.peerChain(), peer.domain());
            assertTrue(verdict.valid(), verdict.reason());
            assertTrue(probe.protocol().startsWith("TLSv1.3") || probe.protocol().contains("ECDHE"), probe.protocol());
            String secured = probe.openStream();
            assertTrue(secured.contains("<mechanism>EXTERNAL</mechanism>"), name + " offers no EXTERNAL: " + secured + "\n" + world.logs());
            String answer = probe.authenticateExternal();
            assertTrue(answer.contains("<success"), name + " refused SASL EXTERNAL: " + answer + "\n" + world.logs());
            System.out.println(peer.version() + ": " + probe.protocol() + ", its certificate " + verdict.reason()
                    + " for " + peer.domain() + ", SASL EXTERNAL for " + PeerWorld.CHORUS_DOMAIN + " accepted");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"prosody", "ejabberd"})
    void withASelfSignedCertificateAPeerOffersDialbackAndNoWorkingExternal(String name) throws Exception {
        PeerServer peer = peer(name);
        S2sTlsContexts selfSigned = S2sTlsContexts.create(SelfSignedCertificate.generate(PeerWorld.CHORUS_DOMAIN, Clock.systemUTC()));
        try (S2sProbe probe = S2sProbe.connect(resolve(peer), PeerWorld.CHORUS_DOMAIN, peer.domain())) {
            probe.openStream();
            probe.startTls(selfSigned);
            String secured = probe.openStream();
            assertTrue(secured.contains("urn:xmpp:features:dialback"), name + " offers no dialback: " + secured);
            // Prosody offers EXTERNAL only for a valid certificate; ejabberd always offers it, and refuses it here.
            if (secured.contains("<mechanism>EXTERNAL</mechanism>")) {
                String answer = probe.authenticateExternal();
                assertTrue(answer.contains("<failure"), name + " accepted a self-signed certificate: " + answer);
            } else {
                assertEquals("prosody", name, secured);
            }
        }
    }
}
