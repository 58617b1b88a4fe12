package chorus.node.it;

import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.csi.ClientStateIndicationManager;
import org.jivesoftware.smackx.ping.PingManager;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0352 Client State Indication with Smack's ClientStateIndicationManager on a real node: what an inactive
 * client is spared, what still reaches it at once, and what a resumed stream (XEP-0198) still gets.
 */
class CsiIT {
    static final int MAX_HELD = 5;
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        // Small limits, so that the test of the limits is quick; the other tests hold a few small stanzas.
        node = TestNode.start(Map.of("chorus.c2s.csi.max-held", MAX_HELD, "chorus.c2s.csi.max-held-bytes", "16KiB"));
        for (String u : new String[] {"juliet", "romeo", "mercutio", "benvolio", "tybalt"}) {
            node.createUser(u, "pw-" + u);
        }
        XMPPTCPConnection juliet = Clients.login(node, "juliet", "pw-juliet", "setup");
        XMPPTCPConnection romeo = Clients.login(node, "romeo", "pw-romeo", "setup");
        try {
            befriend(juliet, romeo);
        } finally {
            juliet.disconnect();
            romeo.disconnect();
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Mutual presence subscriptions between the two accounts. */
    static void befriend(XMPPTCPConnection a, XMPPTCPConnection b) throws Exception {
        Roster ra = Roster.getInstanceFor(a);
        Roster rb = Roster.getInstanceFor(b);
        ra.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        rb.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        ra.createItemAndRequestSubscription(b.getUser().asEntityBareJid(), null, null);
        rb.createItemAndRequestSubscription(a.getUser().asEntityBareJid(), null, null);
        MessagingIT.awaitTrue(() -> {
            RosterEntry e = ra.getEntry(b.getUser().asEntityBareJid());
            return e != null && e.getType() == RosterPacket.ItemType.both;
        }, a.getUser() + " and " + b.getUser() + " are mutual contacts");
    }

    /** Juliet's client, and every presence and message it got from romeo, in order. */
    record Client(XMPPTCPConnection connection, List<Stanza> fromRomeo) {
        /** Logs in with the listener already attached: the probe's answer may come before login() returns. */
        static Client login(TestNode node, String user, String password, String resource) throws Exception {
            XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(node, user, password)
                .setResource(resource).build());
            c.setReplyTimeout(10_000);
            Client client = of(c);
            c.connect().login();
            return client;
        }

        static Client of(XMPPTCPConnection c) {
            List<Stanza> got = new CopyOnWriteArrayList<>();
            c.addSyncStanzaListener(s -> {
                if (s.getFrom() != null && s.getFrom().toString().startsWith("romeo@")) {
                    got.add(s);
                }
            }, st -> st instanceof Message || st instanceof Presence);
            return new Client(c, got);
        }

        /** XEP-0352 §5.1: what follows the nonza is handled after it, so a ping's answer means it took effect. */
        void state(boolean active) throws Exception {
            if (active) {
                ClientStateIndicationManager.active(connection);
            } else {
                ClientStateIndicationManager.inactive(connection);
            }
            assertTrue(PingManager.getInstanceFor(connection).pingMyServer(false));
        }
    }

    static String describe(Stanza s) {
        if (s instanceof Presence p) {
            return "presence " + p.getStatus();
        }
        return "message " + ((Message) s).getBody();
    }

    static void presence(XMPPTCPConnection c, String status) throws Exception {
        c.sendStanza(StanzaBuilder.buildPresence().setStatus(status).build());
    }

    static void chat(XMPPTCPConnection c, String to, String body) throws Exception {
        c.sendStanza(StanzaBuilder.buildMessage().to(JidCreate.from(to)).ofType(Message.Type.chat).setBody(body).build());
    }

    @Test
    void theStreamOffersCsi() throws Exception {
        XMPPTCPConnection c = Clients.login(node, "juliet", "pw-juliet", "offer");
        try {
            assertTrue(ClientStateIndicationManager.isSupported(c));
        } finally {
            c.disconnect();
        }
    }

    @Test
    void whileInactiveOnlyTheNewestPresenceWaitsAndGoesJustBeforeTheNextMessage() throws Exception {
        XMPPTCPConnection romeo = Clients.login(node, "romeo", "pw-romeo", "orchard");
        Client juliet = Client.login(node, "juliet", "pw-juliet", "phone");
        try {
            MessagingIT.awaitTrue(() -> !juliet.fromRomeo().isEmpty(), "juliet sees romeo online");
            juliet.state(false);
            juliet.fromRomeo().clear();
            presence(romeo, "walking");
            presence(romeo, "climbing");
            presence(romeo, "under the balcony");
            Thread.sleep(1000);
            assertEquals(List.of(), juliet.fromRomeo().stream().map(CsiIT::describe).toList(), "nothing yet");
            chat(romeo, "juliet@chorus.test/phone", "look down");
            MessagingIT.awaitTrue(() -> juliet.fromRomeo().size() >= 2, "the message arrives");
            Thread.sleep(300);
            assertEquals(List.of("presence under the balcony", "message look down"),
                juliet.fromRomeo().stream().map(CsiIT::describe).toList());
        } finally {
            juliet.connection().disconnect();
            romeo.disconnect();
        }
    }

    @Test
    void activeAgainTheClientGetsWhatWaited() throws Exception {
        XMPPTCPConnection romeo = Clients.login(node, "romeo", "pw-romeo", "orchard");
        Client juliet = Client.login(node, "juliet", "pw-juliet", "tablet");
        try {
            MessagingIT.awaitTrue(() -> !juliet.fromRomeo().isEmpty(), "juliet sees romeo online");
            juliet.state(false);
            juliet.fromRomeo().clear();
            presence(romeo, "away for a while");
            Thread.sleep(1000);
            assertTrue(juliet.fromRomeo().isEmpty(), "held while inactive");
            juliet.state(true);
            MessagingIT.awaitTrue(() -> !juliet.fromRomeo().isEmpty(), "written once the client is active");
            assertEquals(List.of("presence away for a while"), juliet.fromRomeo().stream().map(CsiIT::describe).toList());
        } finally {
            juliet.connection().disconnect();
            romeo.disconnect();
        }
    }

    @Test
    void whatWaitsIsBoundedSeveralSendersFloodingAnInactiveClientGetItWrittenNotLost() throws Exception {
        Client juliet = Client.login(node, "juliet", "pw-juliet", "flooded");
        List<Message> got = new CopyOnWriteArrayList<>();
        juliet.connection().addSyncStanzaListener(s -> got.add((Message) s), StanzaTypeFilter.MESSAGE);
        List<XMPPTCPConnection> senders = new java.util.ArrayList<>();
        try {
            juliet.state(false);
            for (String u : new String[] {"mercutio", "benvolio", "tybalt"}) {
                senders.add(Clients.login(node, u, "pw-" + u, "flood"));
            }
            // Receipts: each one waits, none replaces another; three senders at once, 20 each.
            List<Thread> floods = new java.util.ArrayList<>();
            for (XMPPTCPConnection sender : senders) {
                Thread t = new Thread(() -> {
                    try {
                        for (int i = 0; i < 20; i++) {
                            sender.sendStanza(StanzaBuilder.buildMessage().to(juliet.connection().getUser())
                                .addExtension(new org.jivesoftware.smackx.receipts.DeliveryReceipt("m" + i)).build());
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                t.start();
                floods.add(t);
            }
            for (Thread t : floods) {
                t.join();
            }
            // Whatever else waited (a contact's presence), at most MAX_HELD stanzas wait at any time: the flood is
            // written out while the client stays inactive.
            MessagingIT.awaitTrue(() -> receipts(got, "m") >= 60 - MAX_HELD, "past " + MAX_HELD + " held stanzas "
                + "everything held is written");
            chat(senders.get(0), juliet.connection().getUser().toString(), "drain");
            MessagingIT.awaitTrue(() -> got.stream().anyMatch(m -> "drain".equals(m.getBody())), "the message arrives");
            assertEquals(60, receipts(got, "m"), "nothing lost");
            // Big ones: past 16KiB everything held is written.
            String padding = "x".repeat(6000);
            for (int i = 0; i < 3; i++) {
                senders.get(0).sendStanza(StanzaBuilder.buildMessage().to(juliet.connection().getUser())
                    .addExtension(new org.jivesoftware.smackx.receipts.DeliveryReceipt("big-" + i + padding)).build());
            }
            MessagingIT.awaitTrue(() -> receipts(got, "big-") == 3, "past 16KiB held, everything held is written");
        } finally {
            senders.forEach(XMPPTCPConnection::disconnect);
            juliet.connection().disconnect();
        }
    }

    /** How many receipts with an id starting so the client got. */
    static long receipts(List<Message> got, String prefix) {
        return got.stream().map(m -> m.getExtensionElement("received", "urn:xmpp:receipts"))
            .filter(e -> e instanceof org.jivesoftware.smackx.receipts.DeliveryReceipt r && r.getId().startsWith(prefix))
            .count();
    }

    @Test
    void aStreamResumedAfterADropGetsWhatWaitedAndIsActive() throws Exception {
        XMPPTCPConnection romeo = Clients.login(node, "romeo", "pw-romeo", "orchard");
        XMPPTCPConnection phone = new XMPPTCPConnection(Clients.config(node, "juliet", "pw-juliet")
            .setResource("resumable").build());
        phone.setUseStreamManagement(true);
        phone.setUseStreamManagementResumption(true);
        phone.setReplyTimeout(10_000);
        Client juliet = Client.of(phone);
        phone.connect().login();
        try {
            assertTrue(phone.isSmResumptionPossible());
            MessagingIT.awaitTrue(() -> !juliet.fromRomeo().isEmpty(), "juliet sees romeo online");
            juliet.state(false);
            juliet.fromRomeo().clear();
            presence(romeo, "held over the drop");
            Thread.sleep(1000);
            assertTrue(juliet.fromRomeo().isEmpty(), "held while inactive");
            phone.instantShutdown();
            phone.connect().login();
            assertTrue(phone.streamWasResumed());
            MessagingIT.awaitTrue(() -> !juliet.fromRomeo().isEmpty(), "the resumed stream sends what waited");
            assertEquals(List.of("presence held over the drop"),
                juliet.fromRomeo().stream().map(CsiIT::describe).toList());
            presence(romeo, "and now");
            MessagingIT.awaitTrue(() -> juliet.fromRomeo().size() == 2, "a resumed stream is active (XEP-0352 §5.2)");
        } finally {
            phone.disconnect();
            romeo.disconnect();
        }
    }
}
