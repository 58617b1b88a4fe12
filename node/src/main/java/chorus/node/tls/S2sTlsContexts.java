package chorus.node.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import javax.net.ssl.KeyManagerFactory;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS for server-to-server streams, both ways: TLS 1.2/1.3 with ECDHE only ({@link TlsContexts#PROTOCOLS},
 * {@link TlsContexts#CIPHER_SUITES}), this node's certificate presented on both sides (XEP-0178 needs it
 * on the connecting side too), the peer's certificate asked for on incoming streams.
 *
 * <p>The handshake itself accepts any peer certificate, or none: whether it is valid for the peer's
 * domain decides how the peer authenticates (SASL EXTERNAL, dialback, or not at all; see
 * {@code chorus.node.s2s.SecureAuthPolicy}), which only the stream knows once it has read the peer's
 * domain. So the stream MUST check {@link #peerChain} with {@code chorus.node.s2s.PeerCertificates}
 * before it trusts anything; this class alone authenticates nobody.
 */
public final class S2sTlsContexts {
    private final SslContext server;
    private final SslContext client;
    private final SslContext directTlsClient;

    private S2sTlsContexts(SslContext server, SslContext client, SslContext directTlsClient) {
        this.server = server;
        this.client = client;
        this.directTlsClient = directTlsClient;
    }

    /** Contexts that present this fixed identity. */
    public static S2sTlsContexts create(TlsIdentity identity) {
        return create(new KeyManagerFactoryWrapper(new CurrentIdentityKeyManager(() -> identity)), identity.toString());
    }

    /** Contexts that present the node's current identity: a certificate reload reaches new s2s connections too. */
    public static S2sTlsContexts create(TlsContexts node) {
        return create(new KeyManagerFactoryWrapper(node.keyManager()), node.toString());
    }

    private static S2sTlsContexts create(KeyManagerFactory keys, String name) {
        try {
            SslContext server = TlsContexts.restrict(SslContextBuilder.forServer(keys))
                    .clientAuth(ClientAuth.OPTIONAL)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE) // checked by the stream, see the class comment
                    .applicationProtocolConfig(alpn())
                    .build();
            SslContext client = clientBuilder(keys).build();
            SslContext direct = clientBuilder(keys).applicationProtocolConfig(alpn()).build();
            return new S2sTlsContexts(server, client, direct);
        } catch (SSLException e) {
            throw new TlsSetupException("cannot build the s2s TLS contexts for " + name + ": " + e.getMessage(), e);
        }
    }

    private static SslContextBuilder clientBuilder(KeyManagerFactory keys) {
        return TlsContexts.restrict(SslContextBuilder.forClient())
                .keyManager(keys)
                .trustManager(InsecureTrustManagerFactory.INSTANCE); // checked by the stream, see the class comment
    }

    // XEP-0368 §3: a direct-TLS server-to-server connection names "xmpp-server" in ALPN.
    private static ApplicationProtocolConfig alpn() {
        return new ApplicationProtocolConfig(Protocol.ALPN, SelectorFailureBehavior.NO_ADVERTISE,
                SelectedListenerFailureBehavior.ACCEPT, TlsContexts.ALPN_SERVER);
    }

    /** The accepting side; {@code startTls} as in {@link TlsContexts#newHandler}. */
    public SslHandler newServerHandler(ByteBufAllocator alloc, boolean startTls) {
        return new SslHandler(server.newEngine(alloc), startTls);
    }

    /** The connecting side, naming {@code peerDomain} in SNI (RFC 6120 §13.7.2.1: the domain, not the SRV target). */
    public SslHandler newClientHandler(ByteBufAllocator alloc, String peerDomain, int port, boolean directTls) {
        return (directTls ? directTlsClient : client).newHandler(alloc, peerDomain, port);
    }

    /** The certificate chain the peer presented, leaf first; empty when it presented none. */
    public static List<X509Certificate> peerChain(SslHandler tls) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : tls.engine().getSession().getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
            return chain;
        } catch (SSLPeerUnverifiedException none) {
            return List.of();
        }
    }

    @Override
    public String toString() {
        return "S2sTlsContexts";
    }
}
