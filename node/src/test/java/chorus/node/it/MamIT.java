package chorus.node.it;

import com.datastax.oss.driver.api.core.CqlSession;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import javax.net.ssl.SSLContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0313 against a real node and Cassandra: the account advertises MAM, nothing is archived until
 * the user opts in, an opted-in user's messages in both directions are archived and paged, bad queries
 * are refused, the archive goes with the account, and no body reaches the node's log.
 */
class MamIT {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String MAM = "urn:xmpp:mam:2";
    static final String RSM = "http://jabber.org/protocol/rsm";
    static TestNode node;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.mam.max-page-size", 10));
        for (String u : new String[] {"alice", "bob", "carol", "dave"}) {
            node.createUser(u, "pw-" + u);
        }
        tls = Clients.trusting(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static RawClient online(String user, String resource) throws Exception {
        RawClient c = RawClient.connect(node.c2sPort()).bind(TestNode.DOMAIN, tls, user, "pw-" + user, resource);
        c.send("<presence/>");
        return c;
    }

    static void optIn(RawClient c) throws Exception {
        c.send("<iq type='set' id='prefs1'><prefs xmlns='" + MAM + "' default='always'><always/><never/></prefs></iq>");
        String answer = c.await("</iq>", WAIT);
        assertTrue(answer.contains("type=\"result\""), answer);
        assertTrue(answer.contains("default=\"always\""), answer);
    }

    static void send(XMPPTCPConnection from, String to, String id, String body) throws Exception {
        from.sendStanza(StanzaBuilder.buildMessage(id).to(JidCreate.entityBareFrom(to + "@chorus.test"))
            .ofType(Message.Type.chat).setBody(body).build());
    }

    static long rows(CqlSession cql, String owner) {
        return cql.execute("SELECT count(*) FROM " + node.keyspace() + ".message_archive WHERE owner = ?",
            owner + "@chorus.test").one().getLong(0);
    }

    /** Sends a query and returns everything up to its answer. */
    static String query(RawClient c, String id, String rsm) throws Exception {
        c.send("<iq type='set' id='" + id + "'><query xmlns='" + MAM + "' queryid='" + id + "'>"
            + "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>" + MAM
            + "</value></field><field var='with'><value>dave@chorus.test</value></field></x>"
            + "<set xmlns='" + RSM + "'>" + rsm + "</set></query></iq>");
        return c.await("</iq>", WAIT);
    }

    static List<String> bodies(String xml) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<body>([^<]*)</body>").matcher(xml);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static String tag(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void theAccountAdvertisesMamAndArchivesNothingUntilTheUserOptsIn() throws Exception {
        XMPPTCPConnection alice = Clients.login(node, "alice", "pw-alice", "a");
        assertTrue(ServiceDiscoveryManager.getInstanceFor(alice)
            .discoverInfo(JidCreate.entityBareFrom("alice@chorus.test")).containsFeature(MAM));
        try (RawClient bob = online("bob", "b")) {
            send(alice, "bob", "x1", "not for the archive");
            String got = bob.await("not for the archive", WAIT);
            assertFalse(got.contains("urn:xmpp:sid:0"), got);
        }
        alice.disconnect();
        try (CqlSession cql = StorageIT.session(node)) {
            assertEquals(0, rows(cql, "alice"));
            assertEquals(0, rows(cql, "bob"));
        }
    }

    @Test
    void anOptedInUsersMessagesAreArchivedBothWaysAndPaged() throws Exception {
        XMPPTCPConnection dave = Clients.login(node, "dave", "pw-dave", "d");
        try (RawClient carol = online("carol", "c")) {
            optIn(carol);
            for (int i = 1; i <= 12; i++) {
                send(dave, "carol", "m" + i, "hello " + i);
            }
            String got = carol.await("hello 12</body>", WAIT);
            assertTrue(got.contains("<stanza-id xmlns=\"urn:xmpp:sid:0\" by=\"carol@chorus.test\""), got);
            carol.send("<message to='dave@chorus.test' type='chat' id='r1'><body>reply 13</body></message>");
            try (CqlSession cql = StorageIT.session(node)) {
                MessagingIT.awaitTrue(() -> rows(cql, "carol") == 13, "13 messages archived for carol");
                assertEquals(0, rows(cql, "dave"), "dave did not opt in");
            }

            String first = query(carol, "q1", "<max>5</max>");
            assertEquals(List.of("hello 1", "hello 2", "hello 3", "hello 4", "hello 5"), bodies(first));
            assertTrue(first.contains("<fin xmlns=\"" + MAM + "\">"), first);
            assertEquals("13", tag(first, "count"));
            String second = query(carol, "q2", "<max>5</max><after>" + tag(first, "last") + "</after>");
            assertEquals(5, bodies(second).size());
            String third = query(carol, "q3", "<max>5</max><after>" + tag(second, "last") + "</after>");
            assertEquals(List.of("hello 11", "hello 12", "reply 13"), bodies(third));
            assertTrue(third.contains("complete=\"true\""), third);
            assertTrue(third.contains("<delay xmlns=\"urn:xmpp:delay\" stamp="), third);

            String last = query(carol, "q4", "<max>2</max><before/>");
            assertEquals(List.of("hello 12", "reply 13"), bodies(last));
            String capped = query(carol, "q5", "<max>1000</max>");
            assertEquals(10, bodies(capped).size(), "max-page-size is 10 here");

            String unknown = query(carol, "q6", "<after>424242</after>");
            assertTrue(unknown.contains("<item-not-found"), unknown);
            carol.send("<iq type='set' id='q7'><query xmlns='" + MAM + "'><x xmlns='jabber:x:data' type='submit'>"
                + "<field var='start'><value>last tuesday</value></field></x></query></iq>");
            String bad = carol.await("</iq>", WAIT);
            assertTrue(bad.contains("<bad-request"), bad);
        }
        dave.disconnect();
    }

    @Test
    void removingTheAccountErasesItsArchiveAndNoBodyReachesTheLog() throws Exception {
        String marker = "MAM-MARKER-" + UUID.randomUUID();
        node.createUser("erin", "pw-erin");
        XMPPTCPConnection dave = Clients.login(node, "dave", "pw-dave", "d2");
        try (RawClient erin = online("erin", "e"); CqlSession cql = StorageIT.session(node)) {
            optIn(erin);
            send(dave, "erin", "e1", marker);
            erin.await(marker, WAIT);
            MessagingIT.awaitTrue(() -> rows(cql, "erin") == 1, "archived");
            node.node().accounts().remove(node.jid("erin")).toCompletableFuture().get(30, TimeUnit.SECONDS);
            MessagingIT.awaitTrue(() -> rows(cql, "erin") == 0, "the removed account's archive is erased");
        }
        dave.disconnect();
        Path logs = node.dataDir().resolve("logs");
        if (Files.isDirectory(logs)) {
            try (Stream<Path> files = Files.walk(logs)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(Files.readString(f).contains(marker), "a body in " + f);
                }
            }
        }
    }
}
