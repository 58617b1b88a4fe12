package chorus.node.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The node's TLS: a server context for client and server connections, STARTTLS (RFC 6120 §5.4) and
 * direct TLS (XEP-0368) alike, and client contexts for outgoing server connections. TLS 1.2 and 1.3
 * only, with forward-secret ECDHE key exchange only. The contexts that serve clients (c2s, HTTPS) use the engine
 * of {@link TlsSettings#engine()} (BoringSSL through netty-tcnative when it loads); server-to-server TLS uses the
 * JDK's. BoringSSL offers only elliptic-curve groups (X25519, P-256, P-384) for TLS 1.3 key exchange.
 */
public final class TlsContexts {
    /** Newest first. SSLv3, TLS 1.0 and 1.1 are never enabled (RFC 8996). */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * The TLS 1.3 suites (always ephemeral key exchange, RFC 8446 §2) and the TLS 1.2 ECDHE suites with
     * AEAD ciphers (RFC 7525 §4.2), in order of preference. No static RSA, no finite-field DHE, no CBC.
     */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /**
     * Key exchange groups: elliptic curves only. In TLS 1.3 the group is not part of the suite, so
     * without this the JDK would also agree to finite-field DHE (RFC 7919) and the exchange would not be ECDHE.
     * JDK 17 has no per-engine setting for groups (SSLParameters.setNamedGroups arrived in Java 20), so
     * the JVM-wide property is set when this class is first used, before any handshake reads it,
     * unless the operator has set it.
     */
    public static final String NAMED_GROUPS = "x25519,secp256r1,secp384r1,x448,secp521r1";
    static final String NAMED_GROUPS_PROPERTY = "jdk.tls.namedGroups";

    /** ALPN ids of XEP-0368 §3: a direct-TLS peer names the stream it is about to open. */
    public static final String ALPN_CLIENT = "xmpp-client";
    public static final String ALPN_SERVER = "xmpp-server";
    /** ALPN id of the HTTP listener's connections (RFC 7301 §6). */
    public static final String ALPN_HTTP = "http/1.1";

    static {
        if (System.getProperty(NAMED_GROUPS_PROPERTY) == null) {
            System.setProperty(NAMED_GROUPS_PROPERTY, NAMED_GROUPS);
        }
    }

    private final TlsSettings settings;
    private volatile TlsIdentity identity;
    private final CurrentIdentityKeyManager keys;
    private final SslContext server;
    /** tls-exporter on BoringSSL (null on the JDK's engine, which exports by itself from Java 25). */
    private final KeyLogExporter exporter;
    private final SslContext http;

    private TlsContexts(TlsSettings settings, TlsIdentity identity, TlsEngine engine) {
        this.settings = settings;
        this.identity = identity;
        this.keys = new CurrentIdentityKeyManager(() -> this.identity);
        SslProvider provider = engine.provider();
        try {
            // The server context asks the key manager at each handshake: a reload needs no new context.
            // With BoringSSL, the key manager is asked at each handshake too (its key and chain copied in natively).
            this.server = restrict(SslContextBuilder.forServer(new KeyManagerFactoryWrapper(keys)), provider)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                            SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT,
                            ALPN_CLIENT, ALPN_SERVER))
                    .build();
            this.exporter = KeyLogExporter.install(server);
            // The HTTP listener's connections: the same identity, suites and protocols; ALPN names HTTP/1.1.
            this.http = restrict(SslContextBuilder.forServer(new KeyManagerFactoryWrapper(keys)), provider)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                            SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT,
                            ALPN_HTTP))
                    .build();
        } catch (SSLException e) {
            throw new TlsSetupException("cannot build the TLS server context for " + identity + ": "
                    + e.getMessage(), e);
        }
    }

    /** Loads (or on first start generates) the identity the settings name and builds the server context. */
    public static TlsContexts create(TlsSettings settings) {
        return new TlsContexts(settings, CertificateStore.load(settings), settings.engine());
    }

    /** The contexts for an identity already at hand (it cannot be reloaded). */
    public static TlsContexts forIdentity(TlsIdentity identity) {
        return forIdentity(identity, TlsEngine.AUTO);
    }

    /** The same, on the given TLS engine. */
    public static TlsContexts forIdentity(TlsIdentity identity, TlsEngine engine) {
        return new TlsContexts(null, identity, engine);
    }

    /**
     * Reads the certificate and key again from where the settings name them (the PEM files, or the generated
     * ones) and presents them on every connection accepted from now on; connections already established keep
     * theirs. A file that cannot be read or a key that does not match the certificate leaves the current
     * identity in place and throws {@link TlsSetupException} saying why.
     */
    public synchronized TlsIdentity reload() {
        if (settings == null) {
            throw new TlsSetupException("this node's TLS identity was given in memory; there is nothing to reload", null);
        }
        TlsIdentity fresh = CertificateStore.load(settings);
        identity = fresh;
        return fresh;
    }

    /**
     * A JDK context for the HTTPS listeners, with the same protocols and suites (set them on the engine's
     * parameters) and the same reloadable identity.
     */
    public SSLContext jdkServerContext() {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(new KeyManager[] {keys}, null, null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("cannot build a JDK TLS context: " + e.getMessage(), e);
        }
    }

    /** The key manager that presents the current identity (a reload reaches every context built on it). */
    javax.net.ssl.X509ExtendedKeyManager keyManager() {
        return keys;
    }

    /** The server side of every TLS connection this node accepts. */
    public SslContext server() {
        return server;
    }

    /**
     * A server-side handler for one connection. With {@code startTls} the first write (the
     * {@code <proceed/>} of RFC 6120 §5.4.2.3) still goes out in the clear and everything after it is
     * TLS; for direct TLS (XEP-0368) pass false and put the handler first in the pipeline.
     */
    public SslHandler newHandler(ByteBufAllocator alloc, boolean startTls) {
        SSLEngine engine = server.newEngine(alloc);
        return exporter == null ? new SslHandler(engine, startTls) : exporter.newHandler(engine, startTls);
    }

    /** The key log exporter of the server context, null on the JDK's engine. */
    KeyLogExporter exporterForTests() {
        return exporter;
    }

    /** A server-side handler for one connection of the HTTP listener (HTTPS), first in its pipeline. */
    public SslHandler newHttpHandler(ByteBufAllocator alloc) {
        return new SslHandler(http.newEngine(alloc), false);
    }

    /**
     * A client context for outgoing server-to-server connections: same protocols and suites, presents
     * this node's certificate (for XEP-0178 SASL EXTERNAL), checks the peer's certificate with
     * {@code trust} and its name as a DNS-ID (RFC 6125 §6.4). Use it with
     * {@code client.newHandler(alloc, peerDomain, port)} so the name is both checked and sent as SNI.
     */
    public SslContext client(TrustManagerFactory trust) {
        try {
            return restrict(SslContextBuilder.forClient())
                    .keyManager(identity.key(), identity.chain())
                    .trustManager(trust)
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (SSLException e) {
            throw new TlsSetupException("cannot build a TLS client context for " + identity + ": "
                    + e.getMessage(), e);
        }
    }

    /** This node's key and chain. */
    public TlsIdentity identity() {
        return identity;
    }

    /** The certificate chain this node presents, leaf first. */
    public X509Certificate[] certificateChain() {
        return identity.chain().toArray(new X509Certificate[0]);
    }

    /** SHA-256 fingerprint of the leaf certificate, {@code AB:CD:...}; worth printing at start. */
    public String fingerprintSha256() {
        return identity.fingerprintSha256();
    }

    /** An in-memory PKCS#12 trust store whose one entry is this node's leaf certificate. */
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("chorus", identity.leaf());
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsSetupException("cannot build a trust store for " + identity + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@link #trustStore()} as a PKCS#12 file, for clients that must trust a self-signed node
     * (for example {@code -Djavax.net.ssl.trustStore=file -Djavax.net.ssl.trustStoreType=PKCS12}).
     */
    public void writeTrustStore(Path file, char[] password) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            trustStore().store(bytes, password);
            PemFiles.writeAtomically(file, bytes.toByteArray(), PemFiles.WORLD_READABLE);
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsSetupException("cannot write the trust store " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TlsContexts[" + identity + "]";
    }

    static SslContextBuilder restrict(SslContextBuilder builder) {
        return restrict(builder, SslProvider.JDK);
    }

    static SslContextBuilder restrict(SslContextBuilder builder, SslProvider provider) {
        return builder.sslProvider(provider)
                .protocols(PROTOCOLS)
                .ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE);
    }
}
