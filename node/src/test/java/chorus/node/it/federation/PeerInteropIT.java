package chorus.node.it.federation;

import chorus.node.it.FederatedNode;
import chorus.node.it.TestNode;
import chorus.node.it.peers.PeerComponent;
import chorus.node.it.peers.PeerServer;
import chorus.node.it.peers.PeerWorld;
import chorus.node.tls.TestCa;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Chorus federates with real Prosody 0.12 and ejabberd 23.01 (the peer harness: their own loopback addresses, a DNS
 * server that publishes everyone's SRV records, one CA): {@code chorus.example} on 127.0.0.34 with a certificate of
 * the world's CA. Each check runs in both directions with each peer: chat, a subscription to 'both' (the roster of
 * each side holds the other), vCard and ping IQs, a room on each side joined from the other, offline messages.
 * Prosody acknowledges Chorus's stanzas with XEP-0198 on s2s (mod_smacks), ejabberd answers pings. An external
 * component (slixmpp's {@code ComponentXMPP}) serves {@code gateway.chorus.example} through Chorus, for Chorus's users
 * and, over s2s, for the peers'.
 */
class PeerInteropIT {
    static final String GATEWAY = "gateway." + PeerWorld.CHORUS_DOMAIN;
    static final String SECRET = "a component secret of the test";
    static PeerWorld world;
    static FederatedNode chorus;
    static PeerComponent component;

    @BeforeAll
    static void start() throws Exception {
        FederatedNode.Options o = new FederatedNode.Options(PeerWorld.CHORUS_DOMAIN, PeerWorld.CHORUS_IP);
        world = PeerWorld.start(PeerWorld.options()
            .publish(PeerWorld.CHORUS_DOMAIN, PeerWorld.CHORUS_IP, o.s2sPort(), false)
            .publish("conference." + PeerWorld.CHORUS_DOMAIN, PeerWorld.CHORUS_IP, o.s2sPort(), false)
            .publish(GATEWAY, PeerWorld.CHORUS_IP, o.s2sPort(), false));
        int componentPort = TestNode.freePort();
        Path dir = Files.createTempDirectory(world.directory(), "chorus");
        o.certificate(TestCa.writeIdentity(world.issue(TestCa.Names.dns(PeerWorld.CHORUS_DOMAIN, "*." + PeerWorld.CHORUS_DOMAIN)),
                dir, "chorus"))
            .trust(world.caFile())
            .set("chorus.s2s.resolver.nameservers", world.dns().ip() + ":" + world.dns().port())
            .set("chorus.s2s.resolver.timeout", "3s")
            .set("chorus.component.port", componentPort)
            .set("chorus.component.components", java.util.List.of(java.util.Map.of("domain", GATEWAY, "secret", SECRET)));
        chorus = FederatedNode.start(o);
        component = PeerComponent.start(GATEWAY, SECRET, "127.0.0.1", componentPort, world.directory());
        for (String u : new String[] {"alice", "bob", "carol", "dave", "erin", "frank"}) {
            chorus.createUser(u, "pw-" + u);
        }
        for (PeerServer p : new PeerServer[] {world.prosody(), world.ejabberd()}) {
            for (String u : new String[] {"romeo", "juliet", "nurse", "tybalt"}) {
                p.register(u, "pw-" + u);
            }
        }
        System.out.println("peers: " + world.prosody().version() + ", " + world.ejabberd().version());
    }

    @AfterAll
    static void stop() {
        if (component != null) {
            component.close();
        }
        if (chorus != null) {
            chorus.close();
        }
        if (world != null) {
            world.close();
        }
    }

    static PeerServer peer(String name) {
        return name.equals("prosody") ? world.prosody() : world.ejabberd();
    }

    static Supplier<String> logs() {
        return () -> world.logs();
    }

    XMPPTCPConnection login(PeerServer p, String user, String resource) throws Exception {
        return world.login(p, user, "pw-" + user, resource);
    }

    /** A Chorus user of its own per peer, so the checks of both peers do not meet on one roster. */
    static String ours(String name, String prosodyUser, String ejabberdUser) {
        return name.equals("prosody") ? prosodyUser : ejabberdUser;
    }

    @ParameterizedTest
    @ValueSource(strings = {"prosody", "ejabberd"})
    void chatMessagesCrossBothWays(String name) throws Exception {
        XMPPTCPConnection mine = chorus.login(ours(name, "alice", "bob"), "pw-" + ours(name, "alice", "bob"), "chat");
        XMPPTCPConnection theirs = login(peer(name), "romeo", "chat");
        try {
            // The peer's user speaks first: a message that reaches ejabberd within milliseconds of its user's login,
            // before it processed that user's initial presence, was seen not to reach the user (2 runs in 5).
            Federated.assertChat(theirs, mine, "from " + name + " to chorus", logs());
            Federated.assertChat(mine, theirs, "from chorus to " + name, logs());
        } finally {
            mine.disconnect();
            theirs.disconnect();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"prosody", "ejabberd"})
    void aSubscriptionEndsAsBothOnBothRostersWithPresence(String name) throws Exception {
        String user = ours(name, "carol", "dave");
        XMPPTCPConnection mine = chorus.login(user, "pw-" + user, "sub");
        XMPPTCPConnection theirs = login(peer(name), "juliet", "sub");
        try {
            Federated.assertMutualSubscription(mine, theirs, logs());
        } finally {
            mine.disconnect();
            theirs.disconnect();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"prosody", "ejabberd"})
    void vCardAndPingIqsCrossBothWays(String name) throws Exception {
        XMPPTCPConnection mine = chorus.login("erin", "pw-erin", "iq-" + name);
        XMPPTCPConnection theirs = login(peer(name), "nurse", "iq");
        try {
            Federated.assertVCardAndPing(mine, theirs, "Erin of Chorus");
            Federated.assertVCardAndPing(theirs, mine, "Nurse of " + name);
        } finally {
            mine.disconnect();
            theirs.disconnect();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"prosody", "ejabberd"})
    void aRoomOnEachSideIsJoinedFromTheOther(String name) throws Exception {
        XMPPTCPConnection mine = chorus.login("frank", "pw-frank", "muc-" + name);
        XMPPTCPConnection theirs = login(peer(name), "tybalt", "muc");
        try {
            Federated.assertRoom(mine, theirs, "chorus-" + name + "@conference." + PeerWorld.CHORUS_DOMAIN, logs());
            Federated.assertRoom(theirs, mine, "from-chorus@" + peer(name).mucDomain(), logs());
        } finally {
            mine.disconnect();
            theirs.disconnect();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"prosody", "ejabberd"})
    void anOfflineMessageWaitsOnEitherSide(String name) throws Exception {
        PeerServer p = peer(name);
        String local = "off-" + name;
        chorus.createUser(local, "pw-off");
        p.register("off-chorus", "pw-off");
        XMPPTCPConnection mine = chorus.login("alice", "pw-alice", "off-" + name);
        XMPPTCPConnection theirs = login(p, "romeo", "off");
        try {
            Federated.assertOffline(theirs, chorus.client(local, "pw-off", "later"), local + "@" + PeerWorld.CHORUS_DOMAIN,
                () -> chorus.offlineMessages(local) > 0, logs());
            Federated.assertOffline(mine, world.client(p, "off-chorus", "pw-off", "later"), "off-chorus@" + p.domain(),
                () -> p.hasOfflineMessages("off-chorus"), logs());
        } finally {
            mine.disconnect();
            theirs.disconnect();
        }
    }

    @org.junit.jupiter.api.Test
    void anExternalComponentServesLocalUsersAndOtherServersUsers() throws Exception {
        XMPPTCPConnection mine = chorus.login("alice", "pw-alice", "gateway");
        XMPPTCPConnection fromProsody = login(world.prosody(), "nurse", "gateway");
        XMPPTCPConnection fromEjabberd = login(world.ejabberd(), "nurse", "gateway");
        try {
            for (XMPPTCPConnection user : new XMPPTCPConnection[] {mine, fromProsody, fromEjabberd}) {
                Federated.assertComponentEcho(user, "echo@" + GATEWAY, "hello from " + user.getUser().getDomain(),
                    () -> component.output() + "\n" + world.logs());
                Federated.assertComponentPresence(user, "echo@" + GATEWAY, () -> component.output() + "\n" + world.logs());
            }
        } finally {
            mine.disconnect();
            fromProsody.disconnect();
            fromEjabberd.disconnect();
        }
    }
}
