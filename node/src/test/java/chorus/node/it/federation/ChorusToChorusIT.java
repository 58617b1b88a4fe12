package chorus.node.it.federation;

import chorus.node.it.FederatedNode;
import chorus.node.tls.TestCa;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Two Chorus deployments of different domains federate: {@code a.example} and {@code b.example} with certificates of a
 * CA both trust (SASL EXTERNAL both ways, XEP-0198 acknowledgements), and {@code c.example} with a self-signed
 * certificate and XEP-0198 off on its own streams (it authenticates to the others by dialback, keys verified through
 * the cluster, and its stanzas are acknowledged by pings). Each node is its own cluster with its own keyspace.
 */
class ChorusToChorusIT {
    static Path dir;
    static FederatedNode a;
    static FederatedNode b;
    static FederatedNode c;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("chorus-c2c-");
        TestCa ca = TestCa.create("Chorus-to-Chorus test CA");
        Path caFile = ca.writeCertificate(dir.resolve("ca.pem"));
        FederatedNode.Options oa = new FederatedNode.Options("a.example", "127.0.0.1");
        FederatedNode.Options ob = new FederatedNode.Options("b.example", "127.0.0.1");
        FederatedNode.Options oc = new FederatedNode.Options("c.example", "127.0.0.1");
        oa.certificate(TestCa.writeIdentity(ca.issue(TestCa.Names.dns("a.example", "*.a.example")), dir, "a")).trust(caFile)
            .peer("b.example", "127.0.0.1", ob.s2sPort()).peer("c.example", "127.0.0.1", oc.s2sPort());
        ob.certificate(TestCa.writeIdentity(ca.issue(TestCa.Names.dns("b.example", "*.b.example")), dir, "b")).trust(caFile)
            .peer("a.example", "127.0.0.1", oa.s2sPort());
        oc.trust(caFile).peer("a.example", "127.0.0.1", oa.s2sPort()).set("chorus.s2s.sm.enabled", false);
        a = FederatedNode.start(oa);
        b = FederatedNode.start(ob);
        c = FederatedNode.start(oc);
        for (FederatedNode n : new FederatedNode[] {a, b, c}) {
            for (String u : new String[] {"alice", "bob", "carol", "dave"}) {
                n.createUser(u, "pw-" + u);
            }
        }
    }

    @AfterAll
    static void stop() {
        for (FederatedNode n : new FederatedNode[] {a, b, c}) {
            if (n != null) {
                n.close();
            }
        }
    }

    static Supplier<String> logs() {
        return () -> "(see the test log)";
    }

    @Test
    void chatMessagesCrossBetweenClustersBothWaysWithCertificatesAndWithDialback() throws Exception {
        XMPPTCPConnection alice = a.login("alice", "pw-alice", "c2c");
        XMPPTCPConnection bob = b.login("bob", "pw-bob", "c2c");
        XMPPTCPConnection carol = c.login("carol", "pw-carol", "c2c");
        try {
            Federated.assertChat(alice, bob, "a to b", logs());
            Federated.assertChat(bob, alice, "b to a", logs());
            Federated.assertChat(carol, alice, "c to a, by dialback", logs());
            Federated.assertChat(alice, carol, "a to c", logs());
        } finally {
            alice.disconnect();
            bob.disconnect();
            carol.disconnect();
        }
    }

    @Test
    void aSubscriptionAcrossClustersEndsAsBothWithPresenceBothWays() throws Exception {
        XMPPTCPConnection alice = a.login("alice", "pw-alice", "sub");
        XMPPTCPConnection dave = b.login("dave", "pw-dave", "sub");
        XMPPTCPConnection carol = c.login("carol", "pw-carol", "sub");
        try {
            Federated.assertMutualSubscription(alice, dave, logs());
            Federated.assertMutualSubscription(carol, alice, logs());
        } finally {
            alice.disconnect();
            dave.disconnect();
            carol.disconnect();
        }
    }

    @Test
    void vCardAndPingIqsCrossBothWays() throws Exception {
        XMPPTCPConnection alice = a.login("alice", "pw-alice", "iq");
        XMPPTCPConnection bob = b.login("bob", "pw-bob", "iq");
        XMPPTCPConnection carol = c.login("carol", "pw-carol", "iq");
        try {
            Federated.assertVCardAndPing(alice, bob, "Alice of A");
            Federated.assertVCardAndPing(bob, alice, "Bob of B");
            Federated.assertVCardAndPing(carol, alice, "Carol of C");
        } finally {
            alice.disconnect();
            bob.disconnect();
            carol.disconnect();
        }
    }

    @Test
    void aRoomOnEachSideIsJoinedFromTheOther() throws Exception {
        XMPPTCPConnection alice = a.login("alice", "pw-alice", "muc");
        XMPPTCPConnection bob = b.login("bob", "pw-bob", "muc");
        XMPPTCPConnection carol = c.login("carol", "pw-carol", "muc");
        try {
            Federated.assertRoom(alice, bob, "room-a@conference.a.example", logs());
            Federated.assertRoom(bob, alice, "room-b@conference.b.example", logs());
            Federated.assertRoom(carol, alice, "room-c@conference.c.example", logs());
        } finally {
            alice.disconnect();
            bob.disconnect();
            carol.disconnect();
        }
    }

    @Test
    void aMessageToAnOfflineUserOnTheOtherSideWaitsForTheirLogin() throws Exception {
        XMPPTCPConnection alice = a.login("alice", "pw-alice", "off");
        XMPPTCPConnection bob = b.login("bob", "pw-bob", "off");
        try {
            Federated.assertOffline(alice, b.client("carol", "pw-carol", "later"), "carol@b.example",
                () -> b.offlineMessages("carol") > 0, logs());
            Federated.assertOffline(bob, a.client("dave", "pw-dave", "later"), "dave@a.example",
                () -> a.offlineMessages("dave") > 0, logs());
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }

    @Test
    void removingAnAccountUnsubscribesItsContactsOnTheOtherServer() throws Exception {
        a.createUser("leaver", "pw-leaver");
        b.createUser("erin", "pw-erin");
        XMPPTCPConnection leaver = a.login("leaver", "pw-leaver", "leave");
        XMPPTCPConnection erin = b.login("erin", "pw-erin", "leave");
        try {
            Federated.assertMutualSubscription(leaver, erin, logs());
            org.jivesoftware.smack.roster.Roster roster = org.jivesoftware.smack.roster.Roster.getInstanceFor(erin);
            org.jxmpp.jid.BareJid gone = leaver.getUser().asBareJid();
            leaver.disconnect();
            // RFC 6121 §2.5.2 for each contact: the removed account's server tells the other server it unsubscribed.
            assertEquals(chorus.actors.user.UserEntity.AccountReply.Done.class, a.node.node().accounts()
                .remove(new chorus.actors.xmpp.BareJid("leaver", "a.example")).toCompletableFuture().join().getClass());
            Federated.await(() -> {
                org.jivesoftware.smack.roster.RosterEntry e = roster.getEntry(gone);
                return e == null || e.getType() == org.jivesoftware.smack.roster.packet.RosterPacket.ItemType.none;
            }, () -> "erin@b.example still has " + gone + " as " + roster.getEntry(gone).getType());
        } finally {
            leaver.disconnect();
            erin.disconnect();
        }
    }

    @Test
    void aBlockedUserOfTheOtherServerGetsServiceUnavailableAndNothingArrives() throws Exception {
        a.createUser("hermit", "pw-hermit");
        b.createUser("pest", "pw-pest");
        XMPPTCPConnection hermit = a.login("hermit", "pw-hermit", "block");
        XMPPTCPConnection pest = b.login("pest", "pw-pest", "block");
        org.jxmpp.jid.BareJid pestJid = pest.getUser().asBareJid();
        org.jxmpp.jid.BareJid hermitJid = hermit.getUser().asBareJid();
        StanzaCollector hermitInbox = hermit.createStanzaCollector(new org.jivesoftware.smack.filter.AndFilter(
            StanzaTypeFilter.MESSAGE, org.jivesoftware.smack.filter.FromMatchesFilter.createBare(pestJid)));
        StanzaCollector pestInbox = pest.createStanzaCollector(new org.jivesoftware.smack.filter.AndFilter(
            StanzaTypeFilter.MESSAGE, org.jivesoftware.smack.filter.FromMatchesFilter.createBare(hermitJid)));
        try {
            Federated.assertChat(pest, hermit, "before the block", logs());
            hermitInbox.pollResult();
            org.jivesoftware.smackx.blocking.BlockingCommandManager.getInstanceFor(hermit)
                .blockContacts(java.util.List.of(pestJid));
            pest.sendStanza(StanzaBuilder.buildMessage("blocked-1").to(hermitJid).ofType(Message.Type.chat)
                .setBody("let me in").build());
            Message err = pestInbox.nextResult(Federated.WAIT.toMillis());
            assertNotNull(err, "no error came back across the servers");
            assertEquals(Message.Type.error, err.getType(), err.toXML().toString());
            assertEquals(StanzaError.Condition.service_unavailable, err.getError().getCondition());
            assertEquals(null, hermitInbox.nextResult(2_000), "a blocked user's message was delivered");
        } finally {
            hermitInbox.cancel();
            pestInbox.cancel();
            hermit.disconnect();
            pest.disconnect();
        }
    }

    @Test
    void aDomainNoServerAnswersForBouncesWithRemoteServerNotFound() throws Exception {
        XMPPTCPConnection alice = a.login("alice", "pw-alice", "nowhere");
        StanzaCollector errors = alice.createStanzaCollector(StanzaTypeFilter.MESSAGE);
        try {
            alice.sendStanza(StanzaBuilder.buildMessage("x1").to(JidCreate.entityBareFrom("zed@nowhere.example"))
                .ofType(Message.Type.chat).setBody("hello?").build());
            Message m = errors.nextResult(Federated.WAIT.toMillis());
            assertNotNull(m, "no error came back");
            assertEquals(Message.Type.error, m.getType());
            assertEquals(StanzaError.Condition.remote_server_not_found, m.getError().getCondition());
        } finally {
            errors.cancel();
            alice.disconnect();
        }
    }
}
