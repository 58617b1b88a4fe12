package chorus.node.sasl;

import chorus.actors.account.ScramHash;
import chorus.node.tls.TestCa;
import chorus.node.tls.TlsIdentity;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;

import static chorus.node.sasl.Steps.DOMAIN;
import static chorus.node.sasl.Steps.assertFailure;
import static chorus.node.sasl.Steps.bytes;
import static chorus.node.sasl.Steps.challenge;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tls-exporter (RFC 9266) from real TLS 1.3 sessions of the JDK's engine, a client and a server engine handshaking in
 * memory. On Java 17 the JDK cannot export, and the binding is not offered; on Java 25 and later (run this class with
 * {@code -Djvm=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}; scripts/test.sh does when such a JDK is there) both sides
 * export the same 32 bytes, a SCRAM-SHA-256-PLUS login bound to them succeeds, and one whose client sits behind a man
 * in the middle (two TLS sessions, even with the server's own certificate and key) fails.
 */
class TlsExporterTest {
    static final boolean EXPORTS = Runtime.version().feature() >= 25;

    static {
        // The node sets the JVM's TLS named groups when its TLS code loads, before any handshake reads them (Java 17
        // reads them once). A handshake of this test first would fix the JDK's defaults for the whole test JVM, and
        // TlsContextsTest's refusal of finite-field groups would then fail: load the node's TLS code first.
        try {
            Class.forName("chorus.node.tls.TlsContexts");
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    static final TlsIdentity SERVER = TestCa.create("exporter test CA").issue(TestCa.Names.dns("example.org"));

    /** A client engine and a server engine after a finished handshake. */
    record Pair(SSLSession client, SSLSession server) {
    }

    @Test
    void theBindingIsOfferedExactlyWhereTheJdkCanExport() throws Exception {
        Pair p = handshake();
        assertEquals("TLSv1.3", p.server().getProtocol());
        ChannelBindings b = ChannelBindings.of(p.server());
        List<String> expected = EXPORTS ? List.of("tls-exporter", "tls-server-end-point") : List.of("tls-server-end-point");
        assertEquals(expected, List.copyOf(b.types()), "Java " + Runtime.version().feature());
        assertEquals(EXPORTS, ChannelBindings.exporter(p.client()).isPresent());
    }

    @Test
    void bothEndsOfOneSessionExportTheSameAndAnotherSessionSomethingElse() throws Exception {
        if (!EXPORTS) {
            assertFalse(ChannelBindings.exporter(handshake().server()).isPresent(), "no exporter before Java 25");
            return;
        }
        Pair one = handshake();
        Pair other = handshake();
        byte[] server = ChannelBindings.exporter(one.server()).orElseThrow();
        assertEquals(32, server.length);
        assertArrayEquals(server, ChannelBindings.exporter(one.client()).orElseThrow());
        assertFalse(java.util.Arrays.equals(server, ChannelBindings.exporter(other.server()).orElseThrow()));
    }

    @Test
    void aScramPlusLoginBoundToTheSessionSucceedsAndBehindAManInTheMiddleFails() throws Exception {
        if (!EXPORTS) {
            return;
        }
        Pair direct = handshake();
        assertInstanceOf(SaslStep.Success.class, login(ChannelBindings.of(direct.server()),
            ChannelBindings.exporter(direct.client()).orElseThrow()));
        // A man in the middle ends the client's TLS and opens its own to the server: two sessions, two exports.
        Pair clientToMitm = handshake();
        Pair mitmToServer = handshake();
        SaslStep.Failure f = assertFailure(SaslFailure.NOT_AUTHORIZED, login(ChannelBindings.of(mitmToServer.server()),
            ChannelBindings.exporter(clientToMitm.client()).orElseThrow()));
        assertEquals("channel-bindings-dont-match", f.text());
    }

    private static SaslStep login(ChannelBindings serverSide, byte[] clientExport) {
        ScramTestClient client = new ScramTestClient(ScramHash.SHA_256, "p=tls-exporter,,", "juliet", "client", "pencil");
        SaslMechanism scram = Steps.random().create("SCRAM-SHA-256-PLUS", DOMAIN, true, serverSide);
        assertInstanceOf(SaslStep.NeedCredentials.class, scram.start(client.clientFirst()));
        byte[] serverFirst = bytes(challenge(scram.credentials(Steps.credentials("pencil"))));
        SaslStep step = scram.respond(client.clientFinalBound(serverFirst, clientExport));
        if (step instanceof SaslStep.Success s) {
            assertTrue(client.verifiesServerFinal(s.additionalData()));
        }
        return step;
    }

    /** A TLS 1.3 handshake between two JDK engines, records passed in memory. */
    static Pair handshake() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", SERVER.key(), new char[0], SERVER.chain().toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext serverCtx = SSLContext.getInstance("TLS");
        serverCtx.init(kmf.getKeyManagers(), null, null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", SERVER.chain().get(SERVER.chain().size() - 1));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext clientCtx = SSLContext.getInstance("TLS");
        clientCtx.init(null, tmf.getTrustManagers(), null);
        SSLEngine client = clientCtx.createSSLEngine("example.org", 5222);
        client.setUseClientMode(true);
        client.setEnabledProtocols(new String[] {"TLSv1.3"});
        SSLEngine server = serverCtx.createSSLEngine();
        server.setUseClientMode(false);
        server.setEnabledProtocols(new String[] {"TLSv1.3"});
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        ByteBuffer appIn = ByteBuffer.allocate(1 << 17);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int i = 0; i < 200 && !(done(client) && done(server)); i++) {
            step(client, empty, toServer, toClient, appIn);
            step(server, empty, toClient, toServer, appIn);
        }
        assertTrue(done(client) && done(server), "the handshake finished");
        return new Pair(client.getSession(), server.getSession());
    }

    private static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
        return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** One turn of an engine: run its tasks, write what it has for the peer, read what the peer wrote to it. */
    private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer appIn)
        throws Exception {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
            task.run();
        }
        e.wrap(empty, out);
        in.flip();
        while (in.hasRemaining()) {
            SSLEngineResult r = e.unwrap(in, appIn);
            while ((task = e.getDelegatedTask()) != null) {
                task.run();
            }
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
                break;
            }
        }
        in.compact();
        appIn.clear();
    }
}
