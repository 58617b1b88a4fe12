package chorus.node.tls;

import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.internal.tcnative.KeyLogCallback;
import io.netty.internal.tcnative.SSLContext;

import javax.net.ssl.SSLEngine;
import java.lang.reflect.Field;
import javax.net.ssl.SSLSession;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TLS 1.3 keying material exporter (RFC 8446 §7.5) on BoringSSL, for tls-exporter channel binding (RFC 9266).
 * netty-tcnative does not bind {@code SSL_export_keying_material}, but it binds BoringSSL's key log callback
 * ({@code SSL_CTX_set_keylog_callback}), which hands over each handshake's secrets as NSS key log lines. Of those this
 * keeps one, the exporter master secret ({@code EXPORTER_SECRET}), in memory: from the moment BoringSSL derives it
 * (after the server's Finished) to the end of that handshake in a pending entry keyed by the connection's native
 * pointer, then in the connection's {@link Handler} until the connection is gone. Every other line (the traffic
 * secrets) is zeroed unread; nothing is ever logged. A handshake that fails or is cut off drops its pending entry, so
 * pending entries are at most the handshakes in flight.
 */
public final class KeyLogExporter implements KeyLogCallback {
    private static final byte[] EXPORTER_SECRET = "EXPORTER_SECRET ".getBytes(StandardCharsets.US_ASCII);

    private final Map<Long, byte[]> pending = new ConcurrentHashMap<>();

    private KeyLogExporter() {
    }

    /**
     * Sets the callback on a BoringSSL context, before it makes its first engine; null for a JDK context, which
     * exports by itself from Java 25 on.
     */
    static KeyLogExporter install(SslContext context) {
        if (!(context instanceof ReferenceCountedOpenSslContext openssl)) {
            return null;
        }
        long ctx = tcnativeContext(openssl);
        if (ctx == 0) {
            return null;
        }
        KeyLogExporter exporter = new KeyLogExporter();
        return SSLContext.setKeyLogCallback(ctx, exporter) ? exporter : null;
    }

    /**
     * netty-tcnative's own context of a netty context (its field {@code ctx}), which its SSLContext calls take; 0 if
     * this netty has no such field. Not {@code sslCtxPointer()}: that is BoringSSL's SSL_CTX, and tcnative given it
     * crashes the JVM. netty 4.1 has no public way to the key log callback.
     */
    private static long tcnativeContext(ReferenceCountedOpenSslContext openssl) {
        try {
            Field ctx = ReferenceCountedOpenSslContext.class.getDeclaredField("ctx");
            ctx.setAccessible(true);
            return ctx.getLong(openssl);
        } catch (ReflectiveOperationException | RuntimeException otherNetty) {
            return 0;
        }
    }

    /** Called by BoringSSL on the thread doing the handshake, once per secret. */
    @Override
    public void handle(long ssl, byte[] line) {
        try {
            if (line.length > EXPORTER_SECRET.length
                    && Arrays.equals(line, 0, EXPORTER_SECRET.length, EXPORTER_SECRET, 0, EXPORTER_SECRET.length)) {
                // "EXPORTER_SECRET <client random, hex> <secret, hex>"
                String fields = new String(line, StandardCharsets.US_ASCII).trim();
                String secret = fields.substring(fields.lastIndexOf(' ') + 1);
                pending.put(ssl, HexFormat.of().parseHex(secret));
            }
        } catch (IllegalArgumentException malformed) {
            // Not a line of the format BoringSSL writes: this connection gets no tls-exporter.
        } finally {
            Arrays.fill(line, (byte) 0);
        }
    }

    /** A handler for an engine of the context this exporter was installed on, that keeps its exporter secret. */
    SslHandler newHandler(SSLEngine engine, boolean startTls) {
        return new Handler(engine, startTls, this);
    }

    /** Handshakes between the server's Finished and their end: for tests of the bound. */
    int pending() {
        return pending.size();
    }

    /**
     * RFC 8446 §7.5: {@code length} bytes exported from this connection's TLS 1.3 session with {@code label} and
     * {@code context}; empty for TLS 1.2, before the handshake is done, and for handlers of other contexts.
     */
    public static Optional<byte[]> export(SslHandler handler, String label, byte[] context, int length) {
        if (!(handler instanceof Handler h) || h.exporterSecret == null) {
            return Optional.empty();
        }
        SSLSession session = h.engine().getSession();
        if (!"TLSv1.3".equals(session.getProtocol())) {
            return Optional.empty();
        }
        return Optional.of(Tls13Exporter.export(h.exporterSecret, session.getCipherSuite(), label, context, length));
    }

    /** An SslHandler that takes its connection's exporter secret from the pending entries when its handshake ends. */
    static final class Handler extends SslHandler {
        private volatile byte[] exporterSecret;

        Handler(SSLEngine engine, boolean startTls, KeyLogExporter exporter) {
            super(engine, startTls);
            long ssl = ((ReferenceCountedOpenSslEngine) engine).sslPointer();
            handshakeFuture().addListener(f -> {
                byte[] secret = exporter.pending.remove(ssl);
                if (f.isSuccess()) {
                    exporterSecret = secret;
                } else if (secret != null) {
                    Arrays.fill(secret, (byte) 0);
                }
            });
        }

        @Override
        public String toString() {
            return "KeyLogExporter.Handler";
        }
    }
}
