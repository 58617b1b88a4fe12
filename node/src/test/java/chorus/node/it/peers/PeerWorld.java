package chorus.node.it.peers;

import chorus.node.tls.TestCa;
import chorus.node.tls.TlsIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

/**
 * Real XMPP servers for federation tests, started and stopped by the test itself: a private Prosody 0.12
 * ({@code prosody.example} on 127.0.0.32) and a private ejabberd 23.01 ({@code ejabberd.example} on
 * 127.0.0.33), a test CA made for the run that issued their certificates (and one for Chorus, on
 * 127.0.0.34, when a test asks), and a dnsmasq on 127.0.0.31 that resolves every domain of the world
 * (SRV and A records) for all of them. Nothing of the machine's is used or changed: no system service,
 * no /etc/hosts, no port or address outside the world's. {@link #close} ends every process it started.
 *
 * <pre>{@code
 * try (PeerWorld world = PeerWorld.start(PeerWorld.options())) {
 *     world.prosody().register("alice", "pw");
 *     XMPPTCPConnection alice = world.login(world.prosody(), "alice", "pw");
 * }
 * }</pre>
 */
public final class PeerWorld implements AutoCloseable {
    public static final String DNS_IP = "127.0.0.31";
    public static final String PROSODY_IP = "127.0.0.32";
    public static final String EJABBERD_IP = "127.0.0.33";
    /** Where a Chorus node of the world listens; the world only publishes its records. */
    public static final String CHORUS_IP = "127.0.0.34";
    public static final String PROSODY_DOMAIN = "prosody.example";
    public static final String EJABBERD_DOMAIN = "ejabberd.example";
    public static final String CHORUS_DOMAIN = "chorus.example";
    public static final String PROSODY_COMPONENT = "gateway." + PROSODY_DOMAIN;

    /** Which peers run, and what else the world's DNS and CA serve. */
    public static final class Options {
        boolean prosody = true;
        boolean ejabberd = true;
        boolean prosodySecureAuth;
        boolean prosodyVCardTemp;
        boolean ejabberdScram;
        String prosodyComponentSecret;
        String dnsIp = DNS_IP;
        String prosodyIp = PROSODY_IP;
        String ejabberdIp = EJABBERD_IP;
        final List<PeerDns.Target> extraTargets = new ArrayList<>();

        /**
         * The world's DNS server and peers on other loopback addresses than the default ones, so that tests of
         * different worktrees or runs can have worlds at the same time.
         */
        public Options at(String dns, String prosody, String ejabberd) {
            dnsIp = dns;
            prosodyIp = prosody;
            ejabberdIp = ejabberd;
            return this;
        }

        public Options withoutProsody() {
            prosody = false;
            return this;
        }

        public Options withoutEjabberd() {
            ejabberd = false;
            return this;
        }

        /**
         * Prosody keeps vCards as vcard-temp (mod_vcard) rather than turning them into PEP nodes (mod_vcard_legacy,
         * the default here), so that its XEP-0227 export carries them as {@code <vCard/>}.
         */
        public Options prosodyVCardTemp() {
            prosodyVCardTemp = true;
            return this;
        }

        /** ejabberd keeps SCRAM keys ({@code auth_password_format: scram}) rather than the passwords (its default). */
        public Options ejabberdScram() {
            ejabberdScram = true;
            return this;
        }

        /** Prosody's {@code s2s_secure_auth = true}: no dialback, valid certificates only. */
        public Options prosodySecureAuth() {
            prosodySecureAuth = true;
            return this;
        }

        /**
         * Prosody accepts an external component (XEP-0114) for {@code gateway.prosody.example} with this secret;
         * the world's DNS publishes the component's domain as Prosody's, so other servers reach it too.
         */
        public Options prosodyComponent(String secret) {
            prosodyComponentSecret = secret;
            return this;
        }

        /** Publishes another s2s listener (a Chorus node, another domain) in the world's DNS. */
        public Options publish(String domain, String ip, int port, boolean directTls) {
            extraTargets.add(new PeerDns.Target(domain, ip, port, directTls));
            return this;
        }
    }

    public static Options options() {
        return new Options();
    }

    private final Path dir;
    private final TestCa ca;
    private final Path caFile;
    private final PeerDns dns;
    private final List<PeerServer> servers = new ArrayList<>();
    private ProsodyPeer prosody;
    private EjabberdPeer ejabberd;
    private Thread shutdownHook;
    private boolean closed;

    private PeerWorld(Path dir, String dnsIp) throws Exception {
        this.dir = dir;
        this.ca = TestCa.create("Chorus federation test CA");
        this.caFile = ca.writeCertificate(dir.resolve("ca.crt"));
        this.dns = new PeerDns(dnsIp);
    }

    /** Makes the CA and certificates, starts the DNS server and the peers; on any failure ends what started. */
    public static PeerWorld start(Options options) throws Exception {
        Path dir = Files.createTempDirectory("chorus-peers-");
        // Traversable (not listable) by ejabberd's account; each server's directory keeps its own key private.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        PeerWorld world = new PeerWorld(dir, options.dnsIp);
        // A test JVM that is stopped (Ctrl-C, a failsafe timeout) still ends the servers it started.
        Thread hook = new Thread(world::close, "peer-world-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        world.shutdownHook = hook;
        try {
            world.startAll(options);
            return world;
        } catch (Exception | Error e) {
            world.close();
            throw e;
        }
    }

    private void startAll(Options o) throws Exception {
        if (o.prosody) {
            prosody = new ProsodyPeer(PROSODY_DOMAIN, o.prosodyIp, dir);
            publish(prosody);
            if (o.prosodyComponentSecret != null) {
                prosody.acceptComponent(PROSODY_COMPONENT, o.prosodyComponentSecret);
                dns.add(new PeerDns.Target(PROSODY_COMPONENT, prosody.ip(), prosody.s2sPort(), false));
            }
        }
        if (o.ejabberd) {
            ejabberd = new EjabberdPeer(EJABBERD_DOMAIN, o.ejabberdIp, dir);
            publish(ejabberd);
        }
        o.extraTargets.forEach(dns::add);
        Path dnsDir = Files.createDirectories(dir.resolve("dns"));
        Files.setPosixFilePermissions(dnsDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        dns.start(dnsDir);
        Files.setPosixFilePermissions(dns.hostsFile(), PosixFilePermissions.fromString("rw-r--r--"));
        if (prosody != null) {
            Path[] pem = issue(prosody, prosody.directory());
            prosody.configure(pem[0], pem[1], caFile, dns, o.prosodySecureAuth, o.prosodyVCardTemp);
            servers.add(prosody);
            prosody.start();
        }
        if (ejabberd != null) {
            Path[] pem = issue(ejabberd, Files.createTempDirectory(dir, "ejabberd-pem"));
            ejabberd.configure(pem[0], pem[1], caFile, dns, o.ejabberdScram);
            servers.add(ejabberd);
            ejabberd.start();
        }
    }

    private void publish(PeerServer s) {
        dns.add(new PeerDns.Target(s.domain(), s.ip(), s.s2sPort(), false));
        dns.add(new PeerDns.Target(s.mucDomain(), s.ip(), s.s2sPort(), false));
    }

    // The domain and its subdomains (the MUC service streams from conference.DOMAIN).
    private Path[] issue(PeerServer s, Path into) {
        TlsIdentity id = ca.issue(TestCa.Names.dns(s.domain(), "*." + s.domain()));
        return TestCa.writeIdentity(id, into, s.domain());
    }

    /** A certificate from the world's CA for other servers of the world (Chorus), with the names given. */
    public TlsIdentity issue(TestCa.Names names) {
        return ca.issue(names);
    }

    /** The world's CA certificate: what every server of the world trusts. */
    public java.security.cert.X509Certificate caCertificate() {
        return ca.certificate();
    }

    /** The world's CA certificate as a PEM file: what every server of the world trusts. */
    public Path caFile() {
        return caFile;
    }

    /** Where Prosody accepts the external component, when the options asked for one. */
    public Listener prosodyComponentListener() {
        return new Listener(prosody.ip(), prosody.componentPort());
    }

    /** An address and port, as a component library wants them. */
    public record Listener(String host, int port) {}

    public PeerDns dns() {
        return dns;
    }

    public PeerServer prosody() {
        if (prosody == null) {
            throw new IllegalStateException("this world runs no Prosody");
        }
        return prosody;
    }

    public PeerServer ejabberd() {
        if (ejabberd == null) {
            throw new IllegalStateException("this world runs no ejabberd");
        }
        return ejabberd;
    }

    public Path directory() {
        return dir;
    }

    /** A trust manager that trusts the world's CA and nothing else. */
    public X509TrustManager trustManager() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("world-ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }

    /** A Smack client of {@code server} (STARTTLS required, the world's CA trusted), connected and logged in. */
    public XMPPTCPConnection login(PeerServer server, String user, String password, String resource) throws Exception {
        XMPPTCPConnection c = client(server, user, password, resource);
        c.connect().login();
        return c;
    }

    /** The same client, not yet connected: listeners added now see what arrives at login (offline messages). */
    public XMPPTCPConnection client(PeerServer server, String user, String password, String resource) throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(server.domain())
                .setHostAddress(java.net.InetAddress.getByName(server.ip()))
                .setPort(server.c2sPort())
                .setSecurityMode(ConnectionConfiguration.SecurityMode.required)
                .setCustomX509TrustManager(trustManager())
                .setUsernameAndPassword(user, password)
                .setResource(resource)
                .setConnectTimeout(10_000)
                .build());
        c.setReplyTimeout(15_000);
        return c;
    }

    /** Every server's logs and the DNS log, for a failure message. */
    public String logs() {
        StringBuilder s = new StringBuilder();
        servers.forEach(p -> s.append(p.logs()).append('\n'));
        return s.append("--- dnsmasq:\n").append(dns.log()).toString();
    }

    /** Stops the peers, then the DNS server, and deletes the world's directory (read {@link #logs} before). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already stopping
        }
        for (PeerServer s : servers) {
            try {
                s.close();
            } catch (RuntimeException e) {
                // keep stopping the others
            }
        }
        dns.close();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a temporary directory; nothing depends on it
        }
    }
}
