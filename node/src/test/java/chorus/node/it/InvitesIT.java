package chorus.node.it;

import chorus.node.admin.AdminToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.commands.RemoteCommand;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invitations (XEP-0401, XEP-0445, XEP-0379) on two real nodes sharing one keyspace, registration closed: an invite a
 * user makes on node A with Smack's AdHocCommandManager is redeemed on node B by a client that sends the
 * {@code <preauth/>} IQ and registers with Smack's AccountManager; the two are then mutual contacts, and the token
 * does not work twice. An admin's invite from the admin API registers an account without contacts. Invites die with
 * their inviter's account. And several connections guessing tokens at once on node A run into the per-address
 * registration limit.
 * Two clients redeeming one token on both nodes at once get one account.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class InvitesIT {
    static final String HOST_A = "127.0.12.1";
    static final String HOST_B = "127.0.12.2";
    static final int PER_ADDRESS = 6;
    static TestNode a;
    static TestNode b;
    /** Tokens shown to node A outside the attack test: they use up part of this address's allowance there. */
    static final AtomicInteger shownToA = new AtomicInteger();

    @BeforeAll
    static void startCluster() throws Exception {
        // Smack keeps only the stream features it has a provider for.
        for (String ns : List.of("urn:xmpp:invite", "urn:xmpp:ibr-token:0")) {
            org.jivesoftware.smack.provider.ProviderManager.addStreamFeatureProvider("register", ns, new FeatureSeen(ns));
        }
        int seed = TestNode.freePort();
        TestClusterKeys keys = TestClusterKeys.create();
        Map<String, Object> common = Map.of("chorus.invites.user-invites", true, "chorus.invites.max-per-user", 3,
            "chorus.registration.per-address", PER_ADDRESS, "chorus.admins", List.of("boss@" + TestNode.DOMAIN));
        Map<String, Object> one = new java.util.HashMap<>(common);
        one.putAll(Map.of("chorus.bind", HOST_A, "chorus.cluster.host", HOST_A, "chorus.cluster.port", seed,
            "chorus.cluster.seed-nodes", HOST_A + ":" + seed, "chorus.cluster.tls.dir", keys.node(1).toString()));
        a = TestNode.start(one);
        Map<String, Object> two = new java.util.HashMap<>(common);
        two.putAll(Map.of("chorus.bind", HOST_B, "chorus.cluster.host", HOST_B, "chorus.cassandra.keyspace", a.keyspace(),
            "chorus.cluster.seed-nodes", HOST_A + ":" + seed, "chorus.cluster.tls.dir", keys.node(2).toString()));
        b = TestNode.start(two);
        // Joining takes a few seconds, more on a busy machine.
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
        while (up(a) < 2 || up(b) < 2) {
            assertTrue(System.nanoTime() < deadline, "two members up");
            Thread.sleep(200);
        }
        a.createUser("romeo", "pw-romeo");
        a.createUser("mercutio", "pw-mercutio");
        a.createUser("boss", "pw-boss");
    }

    @AfterAll
    static void stopCluster() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    static long up(TestNode n) {
        return StreamSupport.stream(Cluster.get(n.node().system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up()).count();
    }

    static TestNode.Endpoint at(TestNode n, String host) {
        return new TestNode.Endpoint(host, n.c2sPort(), n.dataDir());
    }

    /** An empty stream feature, kept by Smack so a test can ask for it. */
    static final class FeatureSeen
        extends org.jivesoftware.smack.provider.ExtensionElementProvider<org.jivesoftware.smack.packet.ExtensionElement> {
        private final String ns;

        FeatureSeen(String ns) {
            this.ns = ns;
        }

        @Override
        public org.jivesoftware.smack.packet.ExtensionElement parse(org.jivesoftware.smack.xml.XmlPullParser parser,
                                                                    int depth,
                                                                    org.jivesoftware.smack.packet.XmlEnvironment env)
            throws java.io.IOException, org.jivesoftware.smack.xml.XmlPullParserException {
            org.jivesoftware.smack.util.ParserUtils.forwardToEndTagOfDepth(parser, depth);
            return org.jivesoftware.smack.packet.StandardExtensionElement.builder("register", ns).build();
        }
    }

    /** XEP-0445 §3: the token, before registration. */
    static final class Preauth extends IQ {
        private final String token;

        Preauth(String token) {
            super("preauth", "urn:xmpp:pars:0");
            this.token = token;
            setType(Type.set);
        }

        @Override
        protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
            xml.attribute("token", token);
            xml.setEmptyElement();
            return xml;
        }
    }

    /** A connection that has not logged in (TLS done, SASL not yet). */
    static XMPPTCPConnection anonymous(TestNode.Endpoint at) throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(at, "nobody", "none").build());
        c.setReplyTimeout(20_000);
        c.connect();
        return c;
    }

    /** Sent as AccountManager sends its IQs before login (Smack's reply filter wants a user JID). */
    static void preauth(XMPPTCPConnection c, String token) throws Exception {
        Preauth iq = new Preauth(token);
        c.createStanzaCollectorAndSend(new org.jivesoftware.smack.filter.StanzaIdFilter(iq.getStanzaId()), iq)
            .nextResultOrThrow();
    }

    static StanzaError.Condition refused(XMPPTCPConnection c, String token) {
        XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class, () -> preauth(c, token));
        return e.getStanzaError().getCondition();
    }

    static String tokenOf(String uri) {
        int at = uri.indexOf("preauth=") + "preauth=".length();
        int end = uri.indexOf(';', at);
        return end < 0 ? uri.substring(at) : uri.substring(at, end);
    }

    /** Runs an invite command as this user on node A; the URI it answered. */
    static String inviteByCommand(String user, String node) throws Exception {
        XMPPTCPConnection c = Clients.login(at(a, HOST_A), user, "pw-" + user, "cmd");
        try {
            RemoteCommand cmd = AdHocCommandManager.getAddHocCommandsManager(c)
                .getRemoteCommand(JidCreate.domainBareFrom(TestNode.DOMAIN), node);
            cmd.execute();
            return cmd.getForm().getField("uri").getFirstValue();
        } finally {
            c.disconnect();
        }
    }

    static RosterEntry entry(XMPPTCPConnection c, String of) throws Exception {
        Roster r = Roster.getInstanceFor(c);
        r.reloadAndWait();
        return r.getEntry(JidCreate.entityBareFrom(of + "@" + TestNode.DOMAIN));
    }

    @Test
    void aUserInviteMadeOnNodeARegistersOnNodeBAndMakesBothContacts() throws Exception {
        String uri = inviteByCommand("romeo", "urn:xmpp:invite#invite");
        assertTrue(uri.startsWith("xmpp:romeo@" + TestNode.DOMAIN + "?roster;preauth="), uri);
        assertTrue(uri.endsWith(";ibr=y"), uri);
        String token = tokenOf(uri);

        XMPPTCPConnection newcomer = anonymous(at(b, HOST_B));
        try {
            assertTrue(newcomer.hasFeature("register", "urn:xmpp:invite"), "XEP-0401 stream feature");
            assertTrue(newcomer.hasFeature("register", "urn:xmpp:ibr-token:0"), "XEP-0445 stream feature");
            // Without the token, registration is closed.
            XMPPException.XMPPErrorException closed = assertThrows(XMPPException.XMPPErrorException.class,
                () -> AccountManager.getInstance(newcomer).createAccount(Localpart.from("juliet"), "pw-juliet"));
            assertEquals(StanzaError.Condition.service_unavailable, closed.getStanzaError().getCondition());
        } finally {
            newcomer.disconnect();
        }
        XMPPTCPConnection invited = anonymous(at(b, HOST_B));
        try {
            preauth(invited, token);
            AccountManager.getInstance(invited).createAccount(Localpart.from("juliet"), "pw-juliet");
        } finally {
            invited.disconnect();
        }

        XMPPTCPConnection juliet = Clients.login(at(b, HOST_B), "juliet", "pw-juliet", "balcony");
        XMPPTCPConnection romeo = Clients.login(at(a, HOST_A), "romeo", "pw-romeo", "street");
        try {
            RosterEntry hers = entry(juliet, "romeo");
            assertNotNull(hers, "romeo is in juliet's roster");
            assertEquals(org.jivesoftware.smack.roster.packet.RosterPacket.ItemType.both, hers.getType());
            RosterEntry his = entry(romeo, "juliet");
            assertNotNull(his, "juliet is in romeo's roster");
            assertEquals(org.jivesoftware.smack.roster.packet.RosterPacket.ItemType.both, his.getType());
        } finally {
            juliet.disconnect();
            romeo.disconnect();
        }

        // Node A's registration allowance is the attack test's: the second try goes to B.
        XMPPTCPConnection again = anonymous(at(b, HOST_B));
        try {
            assertEquals(StanzaError.Condition.forbidden, refused(again, token), "a token works once");
        } finally {
            again.disconnect();
        }
    }

    @Test
    void anAdminsInviteFromTheAdminApiRegistersOneAccountWithoutContacts() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + a.node().settings().adminPort() + "/v1/invites"))
            .header("Authorization", "Bearer " + AdminToken.readFrom(a.dataDir()).value())
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        JsonNode made = new ObjectMapper().readTree(r.body());
        String uri = made.get("uri").asText();
        assertTrue(uri.startsWith("xmpp:" + TestNode.DOMAIN + "?register;preauth="), uri);

        XMPPTCPConnection invited = anonymous(at(b, HOST_B));
        try {
            preauth(invited, tokenOf(uri));
            AccountManager.getInstance(invited).createAccount(Localpart.from("benvolio"), "pw-benvolio");
        } finally {
            invited.disconnect();
        }
        XMPPTCPConnection benvolio = Clients.login(at(b, HOST_B), "benvolio", "pw-benvolio", "x");
        try {
            Roster roster = Roster.getInstanceFor(benvolio);
            roster.reloadAndWait();
            assertEquals(0, roster.getEntryCount());
        } finally {
            benvolio.disconnect();
        }
    }

    @Test
    void anInvitersOpenInvitesDieWithTheAccountAndTheCapHolds() throws Exception {
        String first = tokenOf(inviteByCommand("mercutio", "urn:xmpp:invite#invite"));
        inviteByCommand("mercutio", "urn:xmpp:invite#invite");
        inviteByCommand("mercutio", "urn:xmpp:invite#invite");
        XMPPException.XMPPErrorException capped = assertThrows(XMPPException.XMPPErrorException.class,
            () -> inviteByCommand("mercutio", "urn:xmpp:invite#invite"));
        assertEquals(StanzaError.Condition.not_allowed, capped.getStanzaError().getCondition(), "max-per-user 3");

        a.node().accounts().remove(a.jid("mercutio")).toCompletableFuture().join();
        MessagingIT.awaitTrue(() -> a.node().accounts().invites().openBy(a.jid("mercutio"))
            .toCompletableFuture().join() == 0, "mercutio's invites are erased");
        XMPPTCPConnection c = anonymous(at(b, HOST_B));
        try {
            assertEquals(StanzaError.Condition.forbidden, refused(c, first));
        } finally {
            c.disconnect();
        }
    }

    /** Two clients, one on each node, show the same token and register at the same moment: one account is made. */
    @Test
    void oneTokenRedeemedOnBothNodesAtOnceMakesOneAccount() throws Exception {
        String token = tokenOf(inviteByCommand("boss", "urn:xmpp:invite#create-account"));
        XMPPTCPConnection onA = anonymous(at(a, HOST_A));
        XMPPTCPConnection onB = anonymous(at(b, HOST_B));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            shownToA.incrementAndGet();
            preauth(onA, token);
            preauth(onB, token);
            CountDownLatch go = new CountDownLatch(1);
            Future<String> paris = pool.submit(() -> register(onA, "paris", go));
            Future<String> tybalt = pool.submit(() -> register(onB, "tybalt", go));
            go.countDown();
            List<String> outcomes = new ArrayList<>(List.of(paris.get(), tybalt.get()));
            java.util.Collections.sort(outcomes);
            assertEquals(List.of("forbidden", "registered"), outcomes, "paris " + paris.get() + ", tybalt " + tybalt.get());
        } finally {
            pool.shutdownNow();
            onA.disconnect();
            onB.disconnect();
        }
    }

    static String register(XMPPTCPConnection c, String user, CountDownLatch go) throws Exception {
        AccountManager accounts = AccountManager.getInstance(c);
        java.util.Set<String> fields = accounts.getAccountAttributes();
        go.await();
        try {
            Map<String, String> values = new java.util.HashMap<>();
            fields.forEach(f -> values.put(f, ""));
            accounts.createAccount(Localpart.from(user), "pw-" + user, values);
            return "registered";
        } catch (XMPPException.XMPPErrorException e) {
            return e.getStanzaError().getCondition().toString();
        }
    }

    /**
     * The attack: 8 connections to node A guess 4 tokens each, all at once. Node A allows {@value #PER_ADDRESS}
     * registration attempts per address and hour: exactly that many guesses are looked up (forbidden), every other
     * one is refused with policy-violation, and afterwards even a valid token from this address waits.
     */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE) // last: it spends this address's allowance on node A
    void manyConnectionsGuessingTokensAtOnceRunIntoThePerAddressLimit() throws Exception {
        String valid = tokenOf(inviteByCommand("boss", "urn:xmpp:invite#create-account"));
        int connections = 8;
        int guesses = 4;
        List<XMPPTCPConnection> open = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            open.add(anonymous(at(a, HOST_A)));
        }
        Map<StanzaError.Condition, AtomicInteger> answers = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (XMPPTCPConnection c : open) {
                runs.add(pool.submit((Callable<Void>) () -> {
                    go.await();
                    for (int g = 0; g < guesses; g++) {
                        byte[] bytes = new byte[16];
                        new java.security.SecureRandom().nextBytes(bytes);
                        String guess = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                        answers.computeIfAbsent(refused(c, guess), k -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : runs) {
                f.get();
            }
            int allowance = PER_ADDRESS - shownToA.get();
            assertEquals(allowance, answers.get(StanzaError.Condition.forbidden).get(), answers.toString());
            assertEquals(connections * guesses - allowance, answers.get(StanzaError.Condition.policy_violation).get(),
                answers.toString());
            assertEquals(StanzaError.Condition.policy_violation, refused(open.get(0), valid),
                "the address's allowance is spent");
            assertTrue(open.stream().allMatch(XMPPTCPConnection::isConnected), "refusals are stanza errors");
        } finally {
            pool.shutdownNow();
            open.forEach(XMPPTCPConnection::disconnect);
        }
    }
}
