package chorus.node.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsContextsTest {
    static final String DOMAIN = "example.org";
    static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    static final TlsContexts EC_NODE = TlsContexts.forIdentity(SelfSignedCertificate.generate(DOMAIN, Clock.systemUTC()));
    static final TlsContexts RSA_NODE = TlsContexts.forIdentity(TestPki.identity(DOMAIN, TestPki.rsa()));
    static final int CONTENT_TYPE_ALERT = 21;
    static final int CONTENT_TYPE_HANDSHAKE = 22;

    @TempDir Path dir;

    /** A plain JDK client trusting {@code node}'s certificate; null lists mean the JDK's defaults. */
    static SslContext client(TlsContexts node, List<String> protocols, List<String> suites) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(node.certificateChain()[0]).ciphers(suites);
        return protocols == null ? builder.build() : builder.protocols(protocols).build();
    }

    static InMemoryConnection connect(SslContext client, TlsContexts node) {
        return InMemoryConnection.handshake(client.newHandler(ALLOC, DOMAIN, 5223), node.newHandler(ALLOC, false));
    }

    /** What a server handler made of a hand-built ClientHello: its handshake, and the records it wrote back. */
    record Answer(SslHandler tls, List<byte[]> records) {
        int firstContentType() {
            assertFalse(records.isEmpty(), "the server answered");
            return records.get(0)[0];
        }
    }

    static Answer serverReceives(TlsContexts node, byte[] clientHello) {
        SslHandler tls = node.newHandler(ALLOC, false);
        EmbeddedChannel server = new EmbeddedChannel(tls);
        try {
            server.writeInbound(Unpooled.wrappedBuffer(clientHello));
        } catch (Exception e) {
            // the handshake future holds the cause
        }
        return new Answer(tls, InMemoryConnection.drainOutbound(server));
    }

    static void assertRefusedWithAnAlert(Answer answer) {
        assertTrue(answer.tls().handshakeFuture().isDone(), "the server decided");
        // The JDK reports some refusals ("No common named group") as SSLProtocolException.
        assertInstanceOf(SSLException.class, answer.tls().handshakeFuture().cause());
        assertEquals(CONTENT_TYPE_ALERT, answer.firstContentType(), "an alert, not a ServerHello");
    }

    @Test
    void tls13HandshakeSucceedsAndCarriesTheStream() throws SSLException {
        InMemoryConnection connection = connect(client(EC_NODE, List.of("TLSv1.3"), null), EC_NODE);

        assertTrue(connection.handshakeSucceeded(), () -> String.valueOf(connection.serverFailure()));
        assertEquals("TLSv1.3", connection.serverTls().engine().getSession().getProtocol());
        assertTrue(TlsContexts.CIPHER_SUITES.contains(connection.serverTls().engine().getSession().getCipherSuite()));
        assertEquals("<stream:stream to='example.org'>", connection.clientSends("<stream:stream to='example.org'>"));
    }

    @Test
    void tls12HandshakeSucceedsWithAnEcdheSuite() throws SSLException {
        String suite = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
        InMemoryConnection connection = connect(client(EC_NODE, List.of("TLSv1.2"), List.of(suite)), EC_NODE);

        assertTrue(connection.handshakeSucceeded(), () -> String.valueOf(connection.serverFailure()));
        assertEquals("TLSv1.2", connection.serverTls().engine().getSession().getProtocol());
        assertEquals(suite, connection.serverTls().engine().getSession().getCipherSuite());
    }

    @Test
    void rsaCertificateServesEcdheRsaOverTls12() throws SSLException {
        String suite = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";
        InMemoryConnection connection = connect(client(RSA_NODE, List.of("TLSv1.2"), List.of(suite)), RSA_NODE);

        assertTrue(connection.handshakeSucceeded(), () -> String.valueOf(connection.serverFailure()));
        assertEquals(suite, connection.serverTls().engine().getSession().getCipherSuite());
    }

    @ParameterizedTest
    @ValueSource(ints = {
        RawClientHello.TLS_RSA_WITH_AES_128_GCM_SHA256, RawClientHello.TLS_RSA_WITH_AES_256_GCM_SHA384,
        RawClientHello.TLS_RSA_WITH_AES_128_CBC_SHA256, RawClientHello.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256})
    void clientOfferingOnlySuitesOutsideTheListIsRefused(int suite) {
        // An RSA certificate, so static-RSA key exchange would be possible if the server allowed it. A hand-built
        // hello: the JDK's own client no longer offers static-RSA suites at all from Java 24 on.
        assertRefusedWithAnAlert(serverReceives(RSA_NODE, RawClientHello.legacy(0x0303, suite)));
    }

    @Test
    void clientOfferingOnlyFiniteFieldDheIsRefused() {
        assertRefusedWithAnAlert(serverReceives(RSA_NODE,
                RawClientHello.legacy(0x0303, RawClientHello.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256)));
    }

    @Test
    void handBuiltTls12HelloWithEcdheIsAnsweredWithAServerHello() {
        // The control for the hand-built hellos: well formed, they are answered.
        Answer answer = serverReceives(RSA_NODE, RawClientHello.legacy(0x0303, RawClientHello.ECDHE_SUITES));

        assertNull(answer.tls().handshakeFuture().cause());
        assertEquals(CONTENT_TYPE_HANDSHAKE, answer.firstContentType());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x0301, 0x0302})
    void clientOfferingOnlyTls10Or11IsRefused(int version) {
        assertRefusedWithAnAlert(serverReceives(EC_NODE, RawClientHello.legacy(version, RawClientHello.ECDHE_SUITES)));
    }

    @Test
    void tls13ClientOfferingOnlyAFiniteFieldGroupIsRefused() {
        byte[] dhPublicValue = new byte[256];
        dhPublicValue[255] = 2;

        assertRefusedWithAnAlert(serverReceives(EC_NODE,
                RawClientHello.tls13WithOnlyGroup(RawClientHello.FFDHE2048, dhPublicValue)));
    }

    @Test
    void clientConnectionsUseBoringSslWhereItLoadsAndTheJdkWhenAskedFor() {
        assertEquals(io.netty.handler.ssl.OpenSsl.isAvailable(), EC_NODE.server() instanceof io.netty.handler.ssl.OpenSslContext);
        TlsContexts jdk = TlsContexts.forIdentity(SelfSignedCertificate.generate(DOMAIN, Clock.systemUTC()), TlsEngine.JDK);
        assertEquals(false, jdk.server() instanceof io.netty.handler.ssl.OpenSslContext);
    }

    @Test
    void theJdkEngineRefusesOldProtocolsAndFiniteFieldGroupsToo() {
        TlsContexts jdk = TlsContexts.forIdentity(SelfSignedCertificate.generate(DOMAIN, Clock.systemUTC()), TlsEngine.JDK);
        byte[] dhPublicValue = new byte[256];
        dhPublicValue[255] = 2;

        assertRefusedWithAnAlert(serverReceives(jdk, RawClientHello.legacy(0x0302, RawClientHello.ECDHE_SUITES)));
        assertRefusedWithAnAlert(serverReceives(jdk, RawClientHello.tls13WithOnlyGroup(RawClientHello.FFDHE2048, dhPublicValue)));
        assertEquals(CONTENT_TYPE_HANDSHAKE, serverReceives(jdk, RawClientHello.legacy(0x0303, RawClientHello.ECDHE_SUITES)).firstContentType());
    }

    @Test
    void handBuiltTls13HelloWithAnEcdheShareIsAnsweredWithAServerHello() {
        ECPublicKey share = (ECPublicKey) TestPki.ec().getPublic();
        byte[] point = new byte[65]; // uncompressed: 04 || X || Y (RFC 8446 §4.2.8.2)
        point[0] = 4;
        copyUnsigned(share.getW().getAffineX().toByteArray(), point, 1);
        copyUnsigned(share.getW().getAffineY().toByteArray(), point, 33);

        Answer answer = serverReceives(EC_NODE, RawClientHello.tls13WithOnlyGroup(RawClientHello.SECP256R1, point));

        assertNull(answer.tls().handshakeFuture().cause());
        assertEquals(CONTENT_TYPE_HANDSHAKE, answer.firstContentType());
    }

    @Test
    void serverEnablesOnlyTls12And13AndOnlyListedSuites() {
        for (TlsContexts node : List.of(EC_NODE, RSA_NODE)) {
            SSLEngine engine = node.server().newEngine(ALLOC);

            // BoringSSL's engine lists SSLv2Hello, a hello format it cannot speak (no SSLv2 in BoringSSL), not a protocol.
            Set<String> protocols = new java.util.HashSet<>(Set.of(engine.getEnabledProtocols()));
            protocols.remove("SSLv2Hello");
            assertEquals(Set.of("TLSv1.3", "TLSv1.2"), protocols);
            assertTrue(engine.getEnabledCipherSuites().length >= 3);
            for (String suite : engine.getEnabledCipherSuites()) {
                assertTrue(TlsContexts.CIPHER_SUITES.contains(suite), suite);
            }
            assertTrue(Arrays.asList(engine.getEnabledCipherSuites()).containsAll(List.of(
                    "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256")));
        }
    }

    @Test
    void withStartTlsTheProceedGoesOutInTheClearAndTheRestEncrypted() throws SSLException {
        InMemoryConnection connection = new InMemoryConnection(
                client(EC_NODE, null, null).newHandler(ALLOC, DOMAIN, 5222), EC_NODE.newHandler(ALLOC, true));

        connection.server.writeAndFlush(Unpooled.copiedBuffer("<proceed/>", StandardCharsets.UTF_8));
        List<byte[]> written = InMemoryConnection.drainOutbound(connection.server);
        connection.pump();

        assertEquals(1, written.size());
        assertEquals("<proceed/>", new String(written.get(0), StandardCharsets.UTF_8));
        assertTrue(connection.handshakeSucceeded(), () -> String.valueOf(connection.serverFailure()));
        assertEquals("<stream:stream>", connection.clientSends("<stream:stream>"));
    }

    @Test
    void withDirectTlsNothingLeavesBeforeTheHandshake() throws SSLException {
        InMemoryConnection connection = new InMemoryConnection(
                client(EC_NODE, null, null).newHandler(ALLOC, DOMAIN, 5223), EC_NODE.newHandler(ALLOC, false));

        connection.server.writeAndFlush(Unpooled.copiedBuffer("<stream:stream>", StandardCharsets.UTF_8));

        assertTrue(InMemoryConnection.drainOutbound(connection.server).isEmpty());
        connection.pump();
        assertTrue(connection.handshakeSucceeded());
        assertEquals("<stream:stream>", connection.clientReceived(), "held back, then sent encrypted");
    }

    @Test
    void directTlsClientNamingXmppClientInAlpnGetsIt() throws SSLException {
        SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(EC_NODE.certificateChain()[0])
                .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                        SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT,
                        TlsContexts.ALPN_CLIENT))
                .build();

        InMemoryConnection connection = connect(client, EC_NODE);

        assertTrue(connection.handshakeSucceeded(), () -> String.valueOf(connection.serverFailure()));
        assertEquals("xmpp-client", connection.serverTls().applicationProtocol());
    }

    @Test
    void serverToServerClientAcceptsAPeerNamedInItsTrustedCertificate() throws Exception {
        TlsContexts us = TlsContexts.forIdentity(SelfSignedCertificate.generate("other.example", Clock.systemUTC()));
        SslContext client = us.client(trusting(EC_NODE.trustStore()));

        InMemoryConnection connection = InMemoryConnection.handshake(
                client.newHandler(ALLOC, DOMAIN, 5269), EC_NODE.newHandler(ALLOC, false));

        assertTrue(connection.handshakeSucceeded(), () -> String.valueOf(connection.clientTls().handshakeFuture().cause()));
    }

    @Test
    void serverToServerClientRefusesAPeerWhoseCertificateNamesAnotherDomain() throws Exception {
        TlsContexts us = TlsContexts.forIdentity(SelfSignedCertificate.generate("other.example", Clock.systemUTC()));
        SslContext client = us.client(trusting(EC_NODE.trustStore()));

        InMemoryConnection connection = InMemoryConnection.handshake(
                client.newHandler(ALLOC, "not-" + DOMAIN, 5269), EC_NODE.newHandler(ALLOC, false));

        assertFalse(connection.clientTls().handshakeFuture().isSuccess());
        assertInstanceOf(SSLHandshakeException.class, connection.clientTls().handshakeFuture().cause());
    }

    @Test
    void trustStoreWrittenToDiskTrustsThisNodeAndNoOther() throws Exception {
        Path file = dir.resolve("truststore.p12");
        EC_NODE.writeTrustStore(file, "changeit".toCharArray());
        KeyStore loaded = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            loaded.load(in, "changeit".toCharArray());
        }
        SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(trusting(loaded)).build();

        assertTrue(connect(client, EC_NODE).handshakeSucceeded());
        assertFalse(connect(client, RSA_NODE).handshakeSucceeded());
    }

    @Test
    void fingerprintIsTheSha256OfTheLeafCertificateInColonHex() throws Exception {
        byte[] der = EC_NODE.certificateChain()[0].getEncoded();
        SHA256Digest sha256 = new SHA256Digest();
        sha256.update(der, 0, der.length);
        byte[] expected = new byte[32];
        sha256.doFinal(expected, 0);

        String fingerprint = EC_NODE.fingerprintSha256();

        assertTrue(fingerprint.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fingerprint);
        assertArrayEquals(expected, Hex.decode(fingerprint.replace(":", "")));
    }

    private static TrustManagerFactory trusting(KeyStore store) throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory;
    }

    private static void copyUnsigned(byte[] bigEndian, byte[] into, int offset) {
        int length = Math.min(bigEndian.length, 32);
        System.arraycopy(bigEndian, bigEndian.length - length, into, offset + 32 - length, length);
    }
}
