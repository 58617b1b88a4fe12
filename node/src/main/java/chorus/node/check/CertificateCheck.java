package chorus.node.check;

import chorus.node.tls.CertificateStore;
import chorus.node.tls.TlsIdentity;
import chorus.node.tls.TlsSettings;
import chorus.node.tls.TlsSetupException;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The certificate the node presents: that it names the domain (and the upload host clients fetch files
 * from), that it is valid now and for a while, that the chain is in order, and that clients will trust it
 * (the JDK's CA list, plus {@code --ca} files for a private CA).
 */
final class CertificateCheck {
    static final String AREA = "certificate";
    static final Duration SOON = Duration.ofDays(14);

    private CertificateCheck() {
    }

    /** {@code names}: host name, and whether a missing one is a failure (else a warning). */
    record Name(String host, boolean required, String why) {
    }

    static List<Finding> run(TlsSettings settings, List<Name> names, List<Path> extraCas, Instant now) {
        List<Finding> out = new ArrayList<>();
        TlsIdentity id;
        try {
            var existing = CertificateStore.existing(settings);
            if (existing.isEmpty()) {
                out.add(Finding.warn(AREA, "no certificate is configured: the node will make a self-signed one, which clients refuse",
                    "set CHORUS_TLS_CERT and CHORUS_TLS_KEY to a CA's certificate for " + settings.domain()
                        + " (Let's Encrypt: fullchain.pem and privkey.pem)"));
                return out;
            }
            id = existing.get();
        } catch (TlsSetupException e) {
            out.add(Finding.fail(AREA, e.getMessage(), "give readable PEM files: the full chain (leaf first) and its key "
                + "(PKCS#8, PKCS#1 RSA or SEC1 EC)"));
            return out;
        }
        X509Certificate leaf = id.leaf();
        names(leaf, names, out);
        validity(leaf, now, out);
        chain(id.chain(), out);
        trust(id, extraCas, out);
        return out;
    }

    private static void names(X509Certificate leaf, List<Name> names, List<Finding> out) {
        List<String> dns = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if ((Integer) san.get(0) == 2) {
                        dns.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateException e) {
            out.add(Finding.fail(AREA, "its subject alternative names cannot be read: " + e.getMessage(), "get a new certificate"));
            return;
        }
        for (Name n : names) {
            if (covers(dns, n.host())) {
                out.add(Finding.ok(AREA, "names " + n.host() + " (" + n.why() + ")"));
            } else if (n.required()) {
                out.add(Finding.fail(AREA, "does not name " + n.host() + " (" + n.why() + "); it names " + dns,
                    "get a certificate whose names include " + n.host()));
            } else {
                out.add(Finding.warn(AREA, "does not name " + n.host() + " (" + n.why() + ")",
                    "add " + n.host() + " to the certificate's names"));
            }
        }
    }

    /** RFC 6125 §6.4: an exact DNS-ID, or a wildcard in the left-most label covering exactly one label. */
    static boolean covers(List<String> dnsNames, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String n : dnsNames) {
            if (n.equals(h)) {
                return true;
            }
            if (n.startsWith("*.") && h.indexOf('.') > 0 && h.substring(h.indexOf('.') + 1).equals(n.substring(2))) {
                return true;
            }
        }
        return false;
    }

    private static void validity(X509Certificate leaf, Instant now, List<Finding> out) {
        Instant notAfter = leaf.getNotAfter().toInstant();
        Instant notBefore = leaf.getNotBefore().toInstant();
        if (now.isAfter(notAfter)) {
            out.add(Finding.fail(AREA, "expired on " + notAfter, "renew it (certbot renew), then chorusctl cert reload"));
        } else if (now.isBefore(notBefore)) {
            out.add(Finding.fail(AREA, "not valid before " + notBefore, "check this machine's clock, or wait"));
        } else if (Duration.between(now, notAfter).compareTo(SOON) < 0) {
            out.add(Finding.warn(AREA, "expires on " + notAfter + ", in " + Duration.between(now, notAfter).toDays() + " days",
                "renew it (certbot renew with a deploy hook running chorusctl cert reload)"));
        } else {
            out.add(Finding.ok(AREA, "valid until " + notAfter));
        }
    }

    private static void chain(List<X509Certificate> chain, List<Finding> out) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            X509Certificate issuer = chain.get(i + 1);
            try {
                if (!c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                    throw new CertificateException("issuer differs");
                }
                c.verify(issuer.getPublicKey());
            } catch (Exception e) {
                out.add(Finding.fail(AREA, "the chain is out of order: certificate " + (i + 1) + " ("
                        + c.getSubjectX500Principal().getName() + ") is not issued by the next one",
                    "give the full chain leaf first, then each issuer (fullchain.pem)"));
                return;
            }
        }
        out.add(Finding.ok(AREA, "chain of " + chain.size() + " in order"));
    }

    private static void trust(TlsIdentity id, List<Path> extraCas, List<Finding> out) {
        List<X509Certificate> chain = id.chain();
        X509Certificate last = chain.get(chain.size() - 1);
        boolean selfSigned = chain.size() == 1 && last.getIssuerX500Principal().equals(last.getSubjectX500Principal());
        try {
            X509TrustManager tm = trustManager(extraCas);
            String auth = id.key().getAlgorithm().equals("EC") ? "ECDHE_ECDSA" : "ECDHE_RSA";
            tm.checkServerTrusted(chain.toArray(new X509Certificate[0]), auth);
            out.add(Finding.ok(AREA, "trusted (issued by " + last.getIssuerX500Principal().getName() + ")"));
        } catch (CertificateException e) {
            if (selfSigned) {
                out.add(Finding.warn(AREA, "self-signed: clients refuse it or ask their users",
                    "get a certificate from a CA (Let's Encrypt) and set CHORUS_TLS_CERT / CHORUS_TLS_KEY"));
            } else {
                out.add(Finding.fail(AREA, "no trusted CA issued it (" + e.getMessage() + ")",
                    "give the full chain with the intermediates (fullchain.pem, not cert.pem); for a private CA pass --ca FILE"));
            }
        } catch (Exception e) {
            out.add(Finding.warn(AREA, "trust not checked: " + e.getMessage(), "pass readable --ca files"));
        }
    }

    private static X509TrustManager trustManager(List<Path> extraCas) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        try (InputStream in = Files.newInputStream(cacerts)) {
            store.load(in, null);
        }
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        int i = 0;
        for (Path ca : extraCas) {
            try (InputStream in = Files.newInputStream(ca)) {
                for (var c : cf.generateCertificates(in)) {
                    store.setCertificateEntry("chorus-check-" + i++, c);
                }
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }
}
