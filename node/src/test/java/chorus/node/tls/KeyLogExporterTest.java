package chorus.node.tls;

import chorus.node.sasl.ChannelBindings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tls-exporter on the node's default engine, BoringSSL, checked against independent exporters over real sockets: a
 * listener with the node's TLS handler writes the 32 bytes it exports for RFC 9266's label (or "none") to each
 * client, and the client compares them with its own. The clients: the OpenSSL command line ({@code openssl s_client
 * -keymatexport}, OpenSSL's own RFC 8446 §7.5 code) with each TLS 1.3 suite, so both hash functions of the derivation
 * are covered, and TLS 1.2, where nothing may be exported; and on Java 25 or later the JDK's SSLSocket.
 */
class KeyLogExporterTest {
    static final TlsIdentity SERVER = TestCa.create("key log exporter test CA").issue(TestCa.Names.dns("example.org"));
    static final Pattern OPENSSL_EXPORT = Pattern.compile("Keying material: ([0-9A-F]+)");
    static final Pattern SERVER_EXPORT = Pattern.compile("server-export: (none|[0-9a-f]+)");
    static EventLoopGroup group;
    static Channel listener;
    static TlsContexts contexts;

    @BeforeAll
    static void listen() throws Exception {
        assertTrue(OpenSsl.isAvailable(), "netty-tcnative's BoringSSL loads here");
        contexts = TlsContexts.forIdentity(SERVER, TlsEngine.OPENSSL);
        group = new NioEventLoopGroup(1);
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(contexts.newHandler(ch.alloc(), false), new TellsItsExport());
                }
            }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @AfterAll
    static void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** After the handshake: "server-export: HEX" (or "none"), then the connection closes. */
    static final class TellsItsExport extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                String export = KeyLogExporter.export(ssl, ChannelBindings.EXPORTER_LABEL, new byte[0], 32)
                    .map(HexFormat.of()::formatHex).orElse("none");
                ctx.writeAndFlush(Unpooled.copiedBuffer("server-export: " + export + "\n", StandardCharsets.US_ASCII))
                    .addListener(f -> ctx.close());
            }
            ctx.fireUserEventTriggered(evt);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"})
    void openSslExportsWhatTheNodeExports(String suite) throws Exception {
        String out = sClient("-tls1_3", "-ciphersuites", suite);
        String server = group(SERVER_EXPORT, out);
        assertEquals(group(OPENSSL_EXPORT, out).toLowerCase(), server, suite + ":\n" + out);
        assertEquals(64, server.length());
        assertNotEquals(server, group(SERVER_EXPORT, sClient("-tls1_3", "-ciphersuites", suite)), "another session");
        assertEquals(0, pending(), "no exporter secret is kept for a finished handshake");
    }

    @Test
    void nothingIsExportedOverTls12() throws Exception {
        String out = sClient("-tls1_2");
        assertTrue(out.contains("Protocol  : TLSv1.2") || out.contains("TLSv1.2"), out);
        assertEquals("none", group(SERVER_EXPORT, out));
    }

    @Test
    void theJdksExporterAgreesFromJava25() throws Exception {
        if (Runtime.version().feature() < 25) {
            return; // the JDK cannot export before Java 25: scripts/test.sh runs this class on a JDK 25 too
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", SERVER.chain().get(SERVER.chain().size() - 1));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        InetSocketAddress at = (InetSocketAddress) listener.localAddress();
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(at.getAddress(), at.getPort())) {
            s.startHandshake();
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            byte[] client = ChannelBindings.exporter(s.getSession()).orElseThrow();
            assertEquals("server-export: " + HexFormat.of().formatHex(client), line);
        }
    }

    private static int pending() {
        return KeyLogExporterTest.contexts.exporterForTests().pending();
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertTrue(m.find(), p + " in:\n" + text);
        return m.group(1);
    }

    /** openssl s_client against the listener, its standard output once the server closed. */
    private static String sClient(String... options) throws Exception {
        InetSocketAddress at = (InetSocketAddress) listener.localAddress();
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("openssl", "s_client", "-connect",
            "127.0.0.1:" + at.getPort(), "-servername", "example.org", "-ign_eof", "-nocommands",
            "-keymatexport", ChannelBindings.EXPORTER_LABEL, "-keymatexportlen", "32"));
        cmd.addAll(java.util.List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "openssl s_client ended");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
