package chorus.node.it;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chat service's limits under attack over real sockets, several connections at once: a flood of room
 * creations stops at the rooms one account may make, joins beyond an occupant's rate and a room's rate get
 * resource-constraint; afterwards an ordinary client still enters a room and chats.
 */
class MucLimitsIT {
    static final String SERVICE = "conference." + TestNode.DOMAIN;
    static final int PER_CREATOR = 5;
    static final int USER_RATE = 2;
    static final int ROOM_RATE = 2;
    static final Pattern ERROR = Pattern.compile("<error[^>]*>\\s*<([a-z-]+) xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"");
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of(
            "chorus.muc.max-rooms-per-creator", PER_CREATOR,
            "chorus.muc.joins-per-second", USER_RATE,
            "chorus.muc.room-joins-per-second", ROOM_RATE));
        for (String u : new String[] {"mal1", "mal2", "mal3", "host", "guest"}) {
            node.createUser(u, "pw");
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static RawClient connect(String user, String resource) throws Exception {
        return RawClient.connect(node.c2sPort()).bind(TestNode.DOMAIN, Clients.trusting(node), user, "pw", resource);
    }

    /** What came back for each of n joins: "ok" or the error condition, by join id. */
    record Outcome(int ok, Map<String, Integer> errors, double seconds) {
    }

    /** Sends n joins to these rooms at once, then reads the n answers. */
    static Outcome flood(RawClient c, List<String> rooms, String nick) throws Exception {
        long start = System.nanoTime();
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < rooms.size(); i++) {
            burst.append("<presence id='j").append(i).append("' to='").append(rooms.get(i)).append('/').append(nick)
                .append("'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        }
        c.send(burst.toString());
        int ok = 0;
        Map<String, Integer> errors = new java.util.TreeMap<>();
        for (int i = 0; i < rooms.size(); i++) {
            String p = c.await("</presence>", Duration.ofSeconds(20));
            if (p.contains("type=\"error\"")) {
                Matcher m = ERROR.matcher(p);
                assertTrue(m.find(), p);
                errors.merge(m.group(1), 1, Integer::sum);
            } else {
                ok++;
            }
        }
        return new Outcome(ok, errors, (System.nanoTime() - start) / 1e9);
    }

    @Test
    void floodsOfRoomsAndJoinsAreHeldToTheLimitsAndAClientStillChats() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            // 1. Three accounts, two connections each, each connection making 15 rooms at once.
            List<RawClient> attackers = new ArrayList<>();
            List<Future<Outcome>> creating = new ArrayList<>();
            for (int a = 1; a <= 3; a++) {
                for (int r = 1; r <= 2; r++) {
                    RawClient c = connect("mal" + a, "r" + r);
                    attackers.add(c);
                    List<String> rooms = new ArrayList<>();
                    for (int i = 0; i < 15; i++) {
                        rooms.add("flood-" + a + "-" + r + "-" + i + "@" + SERVICE);
                    }
                    creating.add(pool.submit((Callable<Outcome>) () -> flood(c, rooms, "m")));
                }
            }
            int[] madeBy = new int[4];
            int idx = 0;
            for (int a = 1; a <= 3; a++) {
                for (int r = 1; r <= 2; r++) {
                    Outcome o = creating.get(idx++).get();
                    System.out.printf("room creation flood, mal%d/r%d: %d rooms made, refused %s, %.1f s%n", a, r, o.ok(),
                        o.errors(), o.seconds());
                    madeBy[a] += o.ok();
                    assertTrue(o.ok() <= 5 * USER_RATE + USER_RATE * Math.ceil(o.seconds()) + 1,
                        "a connection entered more rooms than its rate allows: " + o);
                    assertTrue(o.errors().keySet().stream().allMatch(e -> e.equals("not-allowed")
                        || e.equals("resource-constraint")), o.toString());
                }
            }
            for (int a = 1; a <= 3; a++) {
                assertEquals(PER_CREATOR, madeBy[a], "rooms made by mal" + a);
            }

            // 2. The same six connections (and a host) enter one room at once: the room lets in its rate.
            RawClient host = connect("host", "h");
            host.send("<presence id='h1' to='hall@" + SERVICE + "/host'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
            host.await("</presence>", Duration.ofSeconds(10));
            host.send("<iq type='set' id='cfg' to='hall@" + SERVICE + "'><query xmlns='http://jabber.org/protocol/muc#owner'>"
                + "<x xmlns='jabber:x:data' type='submit'/></query></iq>");
            host.await("id=\"cfg\"", Duration.ofSeconds(10));
            // The attackers' own rates refill first (burst 5 x rate at rate a second): only the room's limit holds now.
            Thread.sleep(6_000);
            List<Future<Outcome>> entering = new ArrayList<>();
            for (int i = 0; i < attackers.size(); i++) {
                RawClient c = attackers.get(i);
                String nick = "in" + i;
                entering.add(pool.submit((Callable<Outcome>) () -> flood(c, List.of("hall@" + SERVICE), nick)));
            }
            int admitted = 0;
            int refused = 0;
            double longest = 0;
            for (Future<Outcome> f : entering) {
                Outcome o = f.get();
                admitted += o.ok();
                refused += o.errors().getOrDefault("resource-constraint", 0);
                longest = Math.max(longest, o.seconds());
            }
            System.out.printf("join flood into one room: %d connections, %d admitted, %d refused (resource-constraint), %.1f s%n",
                attackers.size(), admitted, refused, longest);
            assertEquals(attackers.size(), admitted + refused);
            assertTrue(refused > 0, "a burst of joins beyond the room's rate was let in");
            assertTrue(admitted <= 2 * ROOM_RATE + ROOM_RATE * Math.ceil(longest) + 1, admitted + " admitted");
            for (RawClient c : attackers) {
                c.close();
            }
            host.close();
        } finally {
            pool.shutdownNow();
        }

        // 3. An ordinary client (whose rate is its own) still makes a room, another enters it, they chat.
        XMPPTCPConnection host = Clients.login(node, "host", "pw", "chat");
        XMPPTCPConnection guest = Clients.login(node, "guest", "pw", "chat");
        try {
            EntityBareJid address = JidCreate.entityBareFrom("after-the-flood@" + SERVICE);
            MultiUserChat asHost = MultiUserChatManager.getInstanceFor(host).getMultiUserChat(address);
            asHost.create(Resourcepart.from("host")).makeInstant();
            MultiUserChat asGuest = MultiUserChatManager.getInstanceFor(guest).getMultiUserChat(address);
            StanzaCollector inbox = host.createStanzaCollector(new StanzaTypeFilter(Message.class));
            asGuest.join(Resourcepart.from("guest"));
            asGuest.sendMessage("still here");
            Message got;
            do {
                got = (Message) inbox.nextResult(10_000);
                assertNotNull(got, "the host got no message from the room");
            } while (got.getBody() == null);
            assertEquals("still here", got.getBody());
        } finally {
            host.disconnect();
            guest.disconnect();
        }
    }
}
