package chorus.node.it.federation;

import chorus.node.it.FederatedNode;
import chorus.persistence.diagnostics.DeliveryFailure;
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
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    static Federated.Login user(FederatedNode node, String local, String resource) {
        return () -> node.login(local, "pw-" + local, resource);
    }

    @Test
    void chatMessagesCrossBetweenClustersBothWaysWithCertificatesAndWithDialback() throws Exception {
        Federated.bothWays(user(a, "alice", "c2c"), user(b, "bob", "c2c"),
            (from, to) -> Federated.assertChat(from, to, from.getUser().getDomain() + " to " + to.getUser().getDomain(), logs()));
        Federated.bothWays(user(c, "carol", "c2c"), user(a, "alice", "c2c"),
            (from, to) -> Federated.assertChat(from, to, from.getUser().getDomain() + " to " + to.getUser().getDomain()
                + ", c by dialback", logs()));
    }

    @Test
    void aSubscriptionAcrossClustersEndsAsBothWithPresenceBothWays() throws Exception {
        Federated.together(u -> {
            Federated.assertMutualSubscription(u[0], u[1], logs());
            Federated.assertMutualSubscription(u[2], u[0], logs());
        }, user(a, "alice", "sub"), user(b, "dave", "sub"), user(c, "carol", "sub"));
    }

    @Test
    void vCardAndPingIqsCrossBothWays() throws Exception {
        Federated.bothWays(user(a, "alice", "iq"), user(b, "bob", "iq"),
            (from, to) -> Federated.assertVCardAndPing(from, to, "Nick of " + from.getUser().getDomain()));
        Federated.bothWays(user(c, "carol", "iq"), user(a, "alice", "iq"),
            (from, to) -> Federated.assertVCardAndPing(from, to, "Nick of " + from.getUser().getDomain()));
    }

    @Test
    void aRoomOnEachSideIsJoinedFromTheOther() throws Exception {
        Federated.bothWays(user(a, "alice", "muc"), user(b, "bob", "muc"), (owner, guest) -> Federated.assertRoom(owner,
            guest, "room-" + owner.getUser().getLocalpartOrNull() + "@conference." + owner.getUser().getDomain(), logs()));
        Federated.bothWays(user(c, "carol", "muc"), user(a, "alice", "muc"), (owner, guest) -> Federated.assertRoom(owner,
            guest, "room-c-" + owner.getUser().getLocalpartOrNull() + "@conference." + owner.getUser().getDomain(), logs()));
    }

    @Test
    void discoAndVersionOfTheOtherServerAndItsUsersAreAnsweredBothWays() throws Exception {
        Federated.bothWays(user(a, "alice", "disco"), user(b, "bob", "disco"),
            (asker, other) -> FederatedFeatures.assertDiscoAndVersion(asker, other, logs()));
        Federated.bothWays(user(c, "carol", "disco"), user(a, "alice", "disco"),
            (asker, other) -> FederatedFeatures.assertDiscoAndVersion(asker, other, logs()));
    }

    @Test
    void aContactOnTheOtherServerIsNotifiedOfPepItemsBothWays() throws Exception {
        a.createUser("poet", "pw-poet");
        b.createUser("reader", "pw-reader");
        Federated.bothWays(user(a, "poet", "pep"), user(b, "reader", "pep"), FederatedFeatures.pepOnceSubscribed(logs()));
    }

    @Test
    void carbonsCopyMessagesExchangedWithAUserOfTheOtherServer() throws Exception {
        a.createUser("twin", "pw-twin");
        b.createUser("twin", "pw-twin");
        for (FederatedNode[] pair : new FederatedNode[][] {{a, b}, {b, a}}) {
            Federated.together(u -> FederatedFeatures.assertCarbons(u[0], u[1], u[2], logs()),
                user(pair[0], "twin", "phone"), user(pair[0], "twin", "laptop"), user(pair[1], "bob", "carbons"));
        }
    }

    @Test
    void messagesWithAUserOfTheOtherServerAreArchivedOnBothSides() throws Exception {
        a.createUser("keeper", "pw-keeper");
        b.createUser("keeper", "pw-keeper");
        Federated.bothWays(user(a, "keeper", "mam"), user(b, "keeper", "mam"),
            (owner, remote) -> FederatedFeatures.assertArchived(owner, remote, logs()));
    }

    @Test
    void aMessageToAnOfflineUserOnTheOtherSideWaitsForTheirLogin() throws Exception {
        Federated.together(u -> {
            Federated.assertOffline(u[0], b.client("carol", "pw-carol", "later"), "carol@b.example",
                () -> b.offlineMessages("carol") > 0, logs());
            Federated.assertOffline(u[1], a.client("dave", "pw-dave", "later"), "dave@a.example",
                () -> a.offlineMessages("dave") > 0, logs());
        }, user(a, "alice", "off"), user(b, "bob", "off"));
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
    void aDomainNoServerAnswersForBouncesWithRemoteServerNotFoundRecordedWithoutTheBody() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Federated.assertBounced(a.login("alice", "pw-alice", "nowhere"), "zed@nowhere.example", BODY,
            StanzaError.Condition.remote_server_not_found, logs());
        assertRecordedWithoutBody(a, before, "alice@a.example/nowhere", "zed@nowhere.example", "remote-server-not-found");
    }

    @Test
    void aMessageToAnUnknownUserOfTheOtherServerBouncesAndThatServerRecordsItWithoutTheBody() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Federated.assertBounced(a.login("alice", "pw-alice", "unknown"), "nobody@b.example", BODY,
            StanzaError.Condition.service_unavailable, logs());
        assertRecordedWithoutBody(b, before, "alice@a.example/unknown", "nobody@b.example", "service-unavailable");
    }

    static final String BODY = "A-BODY-NO-DIAGNOSTIC-RECORD-MAY-HOLD";

    /** The node's delivery-error log has the failure as metadata: who, whom, what kind, why; never the body. */
    static void assertRecordedWithoutBody(FederatedNode node, Instant since, String sender, String recipient,
                                          String condition) throws Exception {
        List<DeliveryFailure>[] found = new List[] {List.of()};
        Federated.await(() -> {
            found[0] = node.node.node().storage().diagnostics().query(since, recipient, 10).toCompletableFuture().join();
            return !found[0].isEmpty();
        }, () -> node.domain + " recorded no failure for " + recipient);
        DeliveryFailure f = found[0].get(0);
        assertEquals(sender, f.sender());
        assertEquals(recipient, f.recipient());
        assertEquals("message", f.kind());
        assertEquals("chat", f.type());
        assertEquals(condition, f.condition());
        assertFalse(f.toString().contains(BODY));
        assertFalse(node.deliveryErrorsHold(BODY.getBytes()), "a body in " + node.domain + "'s delivery_errors");
    }
}
