package chorus.node.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;

/**
 * A key manager that presents whatever identity is current when a handshake asks, so a reloaded
 * certificate reaches every new connection of every listener (Netty's and the JDK's) while connections
 * already established keep theirs. One alias; it is offered only for the key's own algorithm.
 */
final class CurrentIdentityKeyManager extends X509ExtendedKeyManager {
    static final String ALIAS = "chorus";

    private final Supplier<TlsIdentity> current;

    CurrentIdentityKeyManager(Supplier<TlsIdentity> current) {
        this.current = current;
    }

    private String aliasFor(String keyType) {
        return keyType != null && keyType.equalsIgnoreCase(current.get().key().getAlgorithm()) ? ALIAS : null;
    }

    private String aliasFor(String[] keyTypes) {
        if (keyTypes != null) {
            for (String t : keyTypes) {
                if (aliasFor(t) != null) {
                    return ALIAS;
                }
            }
        }
        return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliasFor(keyType) == null ? null : new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? current.get().chain().toArray(new X509Certificate[0]) : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? current.get().key() : null;
    }
}
