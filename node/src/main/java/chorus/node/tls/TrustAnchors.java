package chorus.node.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities a peer server's certificate may chain to: the JVM's (the system CAs, as
 * the JDK ships them) unless switched off, plus the CA certificates in the operator's PEM files (a
 * private federation's own CA). A missing or unreadable file stops the node at start.
 */
public final class TrustAnchors {
    private final Set<TrustAnchor> anchors;

    private TrustAnchors(Set<TrustAnchor> anchors) {
        this.anchors = Set.copyOf(anchors);
    }

    public static TrustAnchors load(boolean systemCas, List<Path> caFiles) {
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        if (systemCas) {
            for (X509Certificate ca : systemCertificates()) {
                anchors.add(new TrustAnchor(ca, null));
            }
        }
        for (Path file : caFiles) {
            for (X509Certificate ca : PemFiles.readCertificates(file)) {
                anchors.add(new TrustAnchor(ca, null));
            }
        }
        return new TrustAnchors(anchors);
    }

    /** Exactly these certificates (tests, and a private federation built in code). */
    public static TrustAnchors of(List<X509Certificate> cas) {
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        cas.forEach(ca -> anchors.add(new TrustAnchor(ca, null)));
        return new TrustAnchors(anchors);
    }

    public Set<TrustAnchor> anchors() {
        return anchors;
    }

    public boolean isEmpty() {
        return anchors.isEmpty();
    }

    private static X509Certificate[] systemCertificates() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x.getAcceptedIssuers();
                }
            }
            return new X509Certificate[0];
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("cannot read the JVM's trusted certificate authorities: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TrustAnchors[" + anchors.size() + " CAs]";
    }
}
