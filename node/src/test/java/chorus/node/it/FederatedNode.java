package chorus.node.it;

import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Chorus test node that serves a domain of its own and federates: its s2s listener on a free port, the peers it
 * knows in its resolver's static map, a certificate and the CAs it trusts as the test says. Its clients trust its
 * own certificate.
 */
public final class FederatedNode implements AutoCloseable {
    public final String domain;
    public final TestNode node;
    public final int s2sPort;

    private FederatedNode(String domain, TestNode node, int s2sPort) {
        this.domain = domain;
        this.node = node;
        this.s2sPort = s2sPort;
    }

    /** How a federated test node is set up. */
    public static final class Options {
        final String domain;
        final String bind;
        int s2sPort;
        Path certificate;
        Path key;
        Path caFile;
        final Map<String, List<String>> peers = new HashMap<>();
        final Map<String, Object> more = new HashMap<>();

        public Options(String domain, String bind) throws Exception {
            this.domain = domain;
            this.bind = bind;
            this.s2sPort = TestNode.freePort();
        }

        /** The node's certificate (PEM files); without, a self-signed one is made for the domain. */
        public Options certificate(Path[] pem) {
            certificate = pem[0];
            key = pem[1];
            return this;
        }

        /** The only CA trusted for peers' certificates. */
        public Options trust(Path caPem) {
            caFile = caPem;
            return this;
        }

        /** A peer's domain (and its services) at this host and port, in the static map of the resolver. */
        public Options peer(String peerDomain, String host, int port) {
            for (String d : List.of(peerDomain, "conference." + peerDomain, "upload." + peerDomain)) {
                peers.put("\"" + d + "\"", List.of(host + ":" + port)); // quoted: a domain is one key, not a path
            }
            return this;
        }

        /** One more domain (a component's, say) the resolver's static map sends to this host and port. */
        public Options route(String domain, String host, int port) {
            peers.put("\"" + domain + "\"", List.of(host + ":" + port));
            return this;
        }

        /** A peer's domain reached with direct TLS (XEP-0368) at this host and port, in the resolver's static map. */
        public Options peerDirectTls(String peerDomain, String host, int port) {
            peers.put("\"" + peerDomain + "\"", List.of(host + ":" + port + " direct-tls"));
            return this;
        }

        public Options set(String path, Object value) {
            more.put(path, value);
            return this;
        }

        public int s2sPort() {
            return s2sPort;
        }
    }

    public static FederatedNode start(Options o) throws Exception {
        Map<String, Object> v = new HashMap<>();
        v.put("chorus.domain", o.domain);
        v.put("chorus.bind", o.bind);
        v.put("chorus.s2s.enabled", true);
        v.put("chorus.s2s.port", o.s2sPort);
        v.put("chorus.s2s.tls-port", 0);
        v.put("chorus.s2s.resolver.static", o.peers);
        v.put("chorus.s2s.resolver.timeout", "1s");
        // Nothing outside the test is ever asked: a name not in the map fails fast.
        v.put("chorus.s2s.resolver.nameservers", "127.0.0.1:9");
        if (o.caFile != null) {
            v.put("chorus.s2s.trust.system-cas", false);
            v.put("chorus.s2s.trust.ca-files", List.of(o.caFile.toString()));
        }
        if (o.certificate != null) {
            v.put("chorus.tls.certificate", o.certificate.toString());
            v.put("chorus.tls.key", o.key.toString());
        }
        v.putAll(o.more);
        return new FederatedNode(o.domain, TestNode.start(v), o.s2sPort);
    }

    /** Creates an account through the same path as chorusctl (asked again when a busy Cassandra made it time out). */
    public BareJid createUser(String local, String password) {
        BareJid jid = new BareJid(local, domain);
        for (int attempt = 1; ; attempt++) {
            try {
                UserEntity.AccountReply r = node.node().accounts().create(jid, password).toCompletableFuture().join();
                if (r instanceof UserEntity.AccountReply.Done
                    || attempt > 1 && r instanceof UserEntity.AccountReply.Failed f && f.condition().equals("conflict")) {
                    return jid;
                }
                throw new IllegalStateException("could not create " + jid + ": " + r);
            } catch (java.util.concurrent.CompletionException e) {
                if (attempt >= 4) {
                    throw e;
                }
            }
        }
    }

    /** A client of this node that trusts the node's certificate, not yet connected. */
    public XMPPTCPConnection client(String user, String password, String resource) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        X509Certificate[] chain = node.node().tls().certificateChain();
        store.setCertificateEntry("node", chain[chain.length - 1]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        XMPPTCPConnection c = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
            .setXmppDomain(domain)
            .setHostAddress(InetAddress.getByName(node.node().settings().bind().getHostAddress()))
            .setPort(node.c2sPort())
            .setSecurityMode(ConnectionConfiguration.SecurityMode.required)
            .setCustomX509TrustManager((X509TrustManager) tmf.getTrustManagers()[0])
            .setUsernameAndPassword(user, password)
            .setResource(resource)
            .setConnectTimeout(10_000)
            .build());
        c.setReplyTimeout(20_000);
        return c;
    }

    /** A logged-in client of this node. */
    public XMPPTCPConnection login(String user, String password, String resource) throws Exception {
        XMPPTCPConnection c = client(user, password, resource);
        c.connect().login();
        return c;
    }

    /** How many offline messages wait for {@code local}'s account (rows of its mailbox journal). */
    public long offlineMessages(String local) {
        try (com.datastax.oss.driver.api.core.CqlSession cql = StorageIT.session(node)) {
            return cql.execute("SELECT count(*) FROM " + node.keyspace() + ".mailbox_messages WHERE persistence_id = 'Mailbox|"
                + local + "@" + domain + "' AND partition_nr = 0").one().getLong(0);
        }
    }

    /** Whether any column of any row of the node's delivery-error log holds these bytes. */
    public boolean deliveryErrorsHold(byte[] needle) {
        try (com.datastax.oss.driver.api.core.CqlSession cql = StorageIT.session(node)) {
            for (var row : cql.execute("SELECT * FROM " + node.keyspace() + ".delivery_errors")) {
                for (var col : row.getColumnDefinitions()) {
                    byte[] v = StorageIT.bytes(row, col);
                    if (v != null && StorageIT.contains(v, needle)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    @Override
    public void close() {
        node.close();
    }
}
