package chorus.node.it;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.chatstates.ChatState;
import org.jivesoftware.smackx.chatstates.packet.ChatStateExtension;
import org.jivesoftware.smackx.csi.ClientStateIndicationManager;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.ping.PingManager;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What XEP-0352 saves a phone, measured: a user with {@value #CONTACTS} contacts, in a room of {@value #OCCUPANTS}
 * occupants; for {@value #ROUNDS} rounds every contact changes its status (in the room too), three occupants type in
 * the room, three contacts type to the user, and every {@value #BODY_EVERY}th round someone says something in the room. The same
 * script runs once with the user's client active and once inactive; a relay in front of the client counts the bytes
 * the server sends it (TLS included), the reads that brought data (arrivals: wake-ups of the client's process) and
 * the bursts of arrivals after {@value CountingProxy#BURST_GAP_NANOS} ns of quiet (wake-ups of its radio). A chat
 * message with a body at the end makes both runs end with everything delivered. The numbers are printed.
 */
class CsiTrafficIT {
    static final int CONTACTS = 10;
    static final int OCCUPANTS = 8;
    static final int ROUNDS = 10;
    static final int BODY_EVERY = 5;
    static final EntityBareJid ROOM = JidCreate.entityBareFromOrThrowUnchecked("square@conference.chorus.test");

    static TestNode node;
    static final List<XMPPTCPConnection> contacts = new ArrayList<>();
    static final List<MultiUserChat> rooms = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of());
        node.createUser("juliet", "pw-juliet");
        XMPPTCPConnection juliet = Clients.login(node, "juliet", "pw-juliet", "setup");
        try {
            for (int i = 0; i < CONTACTS; i++) {
                node.createUser("c" + i, "pw-c" + i);
                XMPPTCPConnection c = Clients.login(node, "c" + i, "pw-c" + i, "desk");
                contacts.add(c);
                CsiIT.befriend(juliet, c);
            }
        } finally {
            juliet.disconnect();
        }
        for (int i = 0; i < OCCUPANTS - 1; i++) {
            MultiUserChat muc = MultiUserChatManager.getInstanceFor(contacts.get(i)).getMultiUserChat(ROOM);
            if (i == 0) {
                muc.create(Resourcepart.from("c0")).makeInstant();
            } else {
                muc.join(Resourcepart.from("c" + i));
            }
            rooms.add(muc);
        }
    }

    @AfterAll
    static void stop() {
        contacts.forEach(XMPPTCPConnection::disconnect);
        node.close();
    }

    record Run(String label, CountingProxy.Counts counts, int stanzas) {
        @Override
        public String toString() {
            return String.format("%-9s %8d bytes %6d arrivals %5d bursts %6d stanzas", label, counts.bytes(),
                counts.arrivals(), counts.bursts(), stanzas);
        }
    }

    @Test
    void anInactiveClientGetsFewerBytesAndFewerWakeUps() throws Exception {
        Run active = run(false);
        Run inactive = run(true);
        System.out.println("CSI traffic: " + CONTACTS + " contacts, a room of " + OCCUPANTS + " occupants, " + ROUNDS
            + " rounds (burst gap " + CountingProxy.BURST_GAP_NANOS / 1_000_000 + " ms)");
        System.out.println("CSI traffic: " + active);
        System.out.println("CSI traffic: " + inactive);
        System.out.printf("CSI traffic: saved %.0f%% of bytes, %.0f%% of arrivals, %.0f%% of bursts, %.0f%% of stanzas%n",
            saved(active.counts().bytes(), inactive.counts().bytes()),
            saved(active.counts().arrivals(), inactive.counts().arrivals()),
            saved(active.counts().bursts(), inactive.counts().bursts()), saved(active.stanzas(), inactive.stanzas()));
        assertTrue(inactive.counts().bytes() < active.counts().bytes(), inactive + " vs " + active);
        assertTrue(inactive.counts().arrivals() < active.counts().arrivals(), inactive + " vs " + active);
        assertTrue(inactive.stanzas() < active.stanzas(), inactive + " vs " + active);
    }

    static double saved(long before, long after) {
        return before == 0 ? 0 : 100.0 * (before - after) / before;
    }

    private Run run(boolean inactive) throws Exception {
        try (CountingProxy proxy = CountingProxy.start(node.c2sPort())) {
            XMPPTCPConnection juliet = new XMPPTCPConnection(Clients.config(node, "juliet", "pw-juliet")
                .setPort(proxy.port()).setResource(inactive ? "inactive" : "active").build());
            juliet.setReplyTimeout(20_000);
            AtomicInteger stanzas = new AtomicInteger();
            List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
            juliet.addSyncStanzaListener(s -> {
                stanzas.incrementAndGet();
                if (s instanceof Message m && m.getBody() != null) {
                    bodies.add(m.getBody());
                }
            }, s -> true);
            juliet.connect().login();
            try {
                Roster roster = Roster.getInstanceFor(juliet);
                MultiUserChat muc = MultiUserChatManager.getInstanceFor(juliet).getMultiUserChat(ROOM);
                muc.join(Resourcepart.from("juliet"));
                MessagingIT.awaitTrue(() -> contacts.stream().allMatch(c ->
                    roster.getPresence(c.getUser().asBareJid()).isAvailable()), "every contact is online");
                MessagingIT.awaitTrue(() -> muc.getOccupantsCount() == OCCUPANTS, "the room is full");
                if (inactive) {
                    ClientStateIndicationManager.inactive(juliet);
                }
                assertTrue(PingManager.getInstanceFor(juliet).pingMyServer(false));
                Thread.sleep(500);
                proxy.reset();
                stanzas.set(0);
                script(juliet.getUser());
                String end = "end of the " + (inactive ? "inactive" : "active") + " run";
                contacts.get(0).sendStanza(StanzaBuilder.buildMessage().to(juliet.getUser()).ofType(Message.Type.chat)
                    .setBody(end).build());
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!bodies.contains(end)) {
                    assertTrue(System.nanoTime() < deadline, "the last message arrives");
                    Thread.sleep(50);
                }
                Thread.sleep(500);
                return new Run(inactive ? "inactive" : "active", proxy.counts(), stanzas.get());
            } finally {
                juliet.disconnect();
            }
        }
    }

    /** The same traffic for both runs, paced like people: a round every 400 ms. */
    private void script(Jid juliet) throws Exception {
        for (int r = 0; r < ROUNDS; r++) {
            for (int i = 0; i < CONTACTS; i++) {
                contacts.get(i).sendStanza(StanzaBuilder.buildPresence().ofType(Presence.Type.available)
                    .setStatus("round " + r + " of c" + i).build());
            }
            for (MultiUserChat room : rooms) {
                // As clients do: the new status goes to the rooms too (RFC 6121 sends no updates there itself).
                room.changeAvailabilityStatus("round " + r, Presence.Mode.available);
            }
            for (int i = 0; i < 3; i++) {
                for (ChatState state : List.of(ChatState.composing, ChatState.paused)) {
                    contacts.get(i).sendStanza(StanzaBuilder.buildMessage().to(ROOM).ofType(Message.Type.groupchat)
                        .addExtension(new ChatStateExtension(state)).build());
                    contacts.get(CONTACTS - 1 - i).sendStanza(StanzaBuilder.buildMessage().to(juliet)
                        .ofType(Message.Type.chat).addExtension(new ChatStateExtension(state)).build());
                }
            }
            if (r % BODY_EVERY == BODY_EVERY - 1) {
                rooms.get(3).sendMessage("round " + r + " in the square");
            }
            Thread.sleep(400);
        }
    }
}
