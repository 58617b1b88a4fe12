package chorus.node.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S2sTlsContextsTest {
    static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
    static final TestCa CA = TestCa.create("s2s CA");
    static final TlsIdentity US = CA.issue(TestCa.Names.dns("chorus.example"));
    static final TlsIdentity PEER = CA.issue(TestCa.Names.dns("peer.example"));

    @Test
    void bothSidesPresentTheirCertificatesAndSeeTheOther() {
        S2sTlsContexts us = S2sTlsContexts.create(US);
        S2sTlsContexts peer = S2sTlsContexts.create(PEER);
        InMemoryConnection c = InMemoryConnection.handshake(us.newClientHandler(ALLOC, "peer.example", 5269, false),
                peer.newServerHandler(ALLOC, false));
        assertTrue(c.handshakeSucceeded(), String.valueOf(c.serverFailure()));
        assertEquals(US.leaf(), S2sTlsContexts.peerChain(c.serverTls()).get(0), "the receiving server sees the connecting one");
        assertEquals(PEER.leaf(), S2sTlsContexts.peerChain(c.clientTls()).get(0), "the connecting server sees the receiving one");
        assertEquals("hello", c.clientSends("hello"));
    }

    @Test
    void anUntrustedCertificateDoesNotFailTheHandshakeTheStreamDecidesLater() {
        TlsIdentity selfSigned = SelfSignedCertificate.generate("stranger.example", Clock.systemUTC());
        InMemoryConnection c = InMemoryConnection.handshake(
                S2sTlsContexts.create(selfSigned).newClientHandler(ALLOC, "chorus.example", 5269, false),
                S2sTlsContexts.create(US).newServerHandler(ALLOC, false));
        assertTrue(c.handshakeSucceeded(), String.valueOf(c.serverFailure()));
        assertEquals(List.of(selfSigned.leaf()), S2sTlsContexts.peerChain(c.serverTls()));
    }

    @Test
    void directTlsNamesXmppServerInAlpn() {
        InMemoryConnection c = InMemoryConnection.handshake(
                S2sTlsContexts.create(US).newClientHandler(ALLOC, "peer.example", 5270, true),
                S2sTlsContexts.create(PEER).newServerHandler(ALLOC, false));
        assertTrue(c.handshakeSucceeded());
        assertEquals(TlsContexts.ALPN_SERVER, c.serverTls().applicationProtocol());
    }

    @Test
    void onlyTls12And13AndTheEcdheSuitesAreEnabled() {
        var engine = S2sTlsContexts.create(US).newServerHandler(ALLOC, false).engine();
        assertEquals(TlsContexts.PROTOCOLS.stream().sorted().toList(), List.of(engine.getEnabledProtocols()).stream().sorted().toList());
        assertTrue(TlsContexts.CIPHER_SUITES.containsAll(List.of(engine.getEnabledCipherSuites())));
    }
}
