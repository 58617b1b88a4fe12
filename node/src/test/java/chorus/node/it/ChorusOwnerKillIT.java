package chorus.node.it;

import chorus.node.it.peers.PeerWorld;
import chorus.node.tls.TestCa;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link RemoteOwnerKillIT} with a Chorus peer: the recipients are users of {@code federated.example}, a single-node
 * Chorus cluster of its own (127.0.1.35) that the world's DNS publishes and whose certificate the world's CA issued.
 * The two Chorus clusters acknowledge with XEP-0198 on s2s.
 */
class ChorusOwnerKillIT extends RemoteOwnerKillIT {
    static final String PEER_DOMAIN = "federated.example";
    static final String PEER_IP = "127.0.1.35";
    FederatedNode.Options peerOptions;
    FederatedNode peerNode;

    @Override
    PeerWorld.Options worldOptions(PeerWorld.Options o) {
        try {
            peerOptions = new FederatedNode.Options(PEER_DOMAIN, PEER_IP);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return o.withoutProsody().withoutEjabberd().publish(PEER_DOMAIN, PEER_IP, peerOptions.s2sPort(), false);
    }

    @Override
    Peer startPeer() throws Exception {
        Path dir = Files.createTempDirectory(world.directory(), "peer");
        peerOptions.certificate(TestCa.writeIdentity(world.issue(TestCa.Names.dns(PEER_DOMAIN, "*." + PEER_DOMAIN)), dir,
                "peer"))
            .trust(world.caFile())
            .set("chorus.s2s.resolver.nameservers", world.dns().ip() + ":" + world.dns().port())
            .set("chorus.s2s.resolver.timeout", "3s")
            .set("chorus.c2s.rate.stanzas-per-second", 0)
            .set("chorus.c2s.rate.bytes-per-second", 0);
        peerNode = FederatedNode.start(peerOptions);
        FederatedNode n = peerNode;
        return new Peer() {
            public String domain() {
                return PEER_DOMAIN;
            }

            public String ip() {
                return PEER_IP;
            }

            public int s2sPort() {
                return n.s2sPort;
            }

            public void register(String user) {
                n.createUser(user, "pw");
            }

            public XMPPTCPConnection login(String user) throws Exception {
                return n.login(user, "pw", "kill");
            }

            public String logs() {
                return "(the peer logs to the test's output)";
            }
        };
    }

    @Override
    void stopPeer() {
        if (peerNode != null) {
            peerNode.close();
        }
    }
}
