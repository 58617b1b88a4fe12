package chorus.node.it.federation;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.ping.PingManager;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What federation must do, as one user of one server and one of another see it (real clients on both sides): the
 * checks every federation test runs, whatever the servers. {@code logs} says what the servers logged, for a failure.
 */
final class Federated {
    static final Duration WAIT = Duration.ofSeconds(45);

    private Federated() {
    }

    /** A chat message from one to the other arrives as sent. */
    static void assertChat(XMPPTCPConnection from, XMPPTCPConnection to, String body, Supplier<String> logs)
            throws Exception {
        StanzaCollector inbox = to.createStanzaCollector(new AndFilter(StanzaTypeFilter.MESSAGE,
            FromMatchesFilter.createBare(from.getUser().asBareJid())));
        try {
            from.sendStanza(StanzaBuilder.buildMessage().to(to.getUser().asBareJid()).ofType(Message.Type.chat)
                .setBody(body).build());
            Message got = inbox.nextResult(WAIT.toMillis());
            assertNotNull(got, to.getUser() + " got nothing from " + from.getUser() + "\n" + logs.get());
            assertEquals(Message.Type.chat, got.getType(), "an error came back instead:\n" + got.toXML() + "\n" + logs.get());
            assertEquals(body, got.getBody());
        } finally {
            inbox.cancel();
        }
    }

    /** Each asks for the other's presence and accepts the other's request: both rosters end with 'both'. */
    static void assertMutualSubscription(XMPPTCPConnection a, XMPPTCPConnection b, Supplier<String> logs) throws Exception {
        BareJid aJid = a.getUser().asBareJid();
        BareJid bJid = b.getUser().asBareJid();
        Roster ar = Roster.getInstanceFor(a);
        Roster br = Roster.getInstanceFor(b);
        ar.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        br.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        ar.createItemAndRequestSubscription(bJid, "B", null);
        br.createItemAndRequestSubscription(aJid, "A", null);
        await(() -> both(ar, bJid), () -> aJid + " sees " + bJid + " as " + typeOf(ar, bJid) + "\n" + logs.get());
        await(() -> both(br, aJid), () -> bJid + " sees " + aJid + " as " + typeOf(br, aJid) + "\n" + logs.get());
        // RFC 6121 §4.2-4.3: with 'both', each sees the other online (presence broadcast and probes across servers).
        await(() -> ar.getPresence(bJid).isAvailable(), () -> aJid + " does not see " + bJid + " online\n" + logs.get());
        await(() -> br.getPresence(aJid).isAvailable(), () -> bJid + " does not see " + aJid + " online\n" + logs.get());
    }

    private static boolean both(Roster r, BareJid j) {
        RosterEntry e = r.getEntry(j);
        return e != null && e.getType() == RosterPacket.ItemType.both;
    }

    private static String typeOf(Roster r, BareJid j) {
        RosterEntry e = r.getEntry(j);
        return e == null ? "missing" : e.getType().toString();
    }

    /** A vCard one sets is what the other reads; each pings the other's client and the other's server. */
    static void assertVCardAndPing(XMPPTCPConnection a, XMPPTCPConnection b, String nick) throws Exception {
        VCard mine = new VCard();
        mine.setNickName(nick);
        VCardManager.getInstanceFor(a).saveVCard(mine);
        VCard seen = VCardManager.getInstanceFor(b).loadVCard(a.getUser().asEntityBareJid());
        assertEquals(nick, seen.getNickName());
        assertTrue(PingManager.getInstanceFor(b).ping(a.getUser()), b.getUser() + " pings " + a.getUser());
        assertTrue(PingManager.getInstanceFor(a).ping(b.getUser()), a.getUser() + " pings " + b.getUser());
        assertTrue(PingManager.getInstanceFor(a).ping(JidCreate.domainBareFrom(b.getXMPPServiceDomain())),
            a.getUser() + " pings " + b.getXMPPServiceDomain());
    }

    /** The owner makes a room on its server; the guest joins from the other and its groupchat message arrives. */
    static void assertRoom(XMPPTCPConnection owner, XMPPTCPConnection guest, String room, Supplier<String> logs)
            throws Exception {
        MultiUserChat ownerSide = MultiUserChatManager.getInstanceFor(owner).getMultiUserChat(JidCreate.entityBareFrom(room));
        ownerSide.create(Resourcepart.from("owner")).makeInstant();
        MultiUserChat guestSide = MultiUserChatManager.getInstanceFor(guest).getMultiUserChat(JidCreate.entityBareFrom(room));
        guestSide.join(Resourcepart.from("guest"));
        String body = "hello " + room + " from " + guest.getUser().getDomain();
        guestSide.sendMessage(body);
        Message got = null;
        for (Message m = ownerSide.nextMessage(WAIT.toMillis()); m != null; m = ownerSide.nextMessage(WAIT.toMillis())) {
            if (body.equals(m.getBody())) {
                got = m;
                break;
            }
        }
        assertNotNull(got, "the owner did not get the guest's groupchat message in " + room + "\n" + logs.get());
        assertEquals(room + "/guest", got.getFrom().toString());
        String back = "welcome, from " + owner.getUser().getDomain();
        ownerSide.sendMessage(back);
        Message echo = null;
        for (Message m = guestSide.nextMessage(WAIT.toMillis()); m != null; m = guestSide.nextMessage(WAIT.toMillis())) {
            if (back.equals(m.getBody())) {
                echo = m;
                break;
            }
        }
        assertNotNull(echo, "the guest did not get the owner's groupchat message in " + room + "\n" + logs.get());
        guestSide.leave();
        ownerSide.destroy("done", null);
    }

    /**
     * A chat message to a user who is offline waits on the recipient's server ({@code stored} says when it is there)
     * and arrives, with its delay stamp, at the recipient's next login ({@code later}, not yet connected).
     */
    static void assertOffline(XMPPTCPConnection sender, XMPPTCPConnection later, String to, Callable<Boolean> stored,
                              Supplier<String> logs) throws Exception {
        String body = "while you were away, from " + sender.getUser().getDomain();
        sender.sendStanza(StanzaBuilder.buildMessage().to(JidCreate.entityBareFrom(to)).ofType(Message.Type.chat)
            .setBody(body).build());
        await(stored, () -> to + " has no offline message stored\n" + logs.get());
        StanzaCollector inbox = null;
        try {
            later.connect();
            inbox = later.createStanzaCollector(new AndFilter(StanzaTypeFilter.MESSAGE,
                FromMatchesFilter.createBare(sender.getUser().asBareJid())));
            later.login();
            Message got = inbox.nextResult(WAIT.toMillis());
            assertNotNull(got, to + " got no offline message\n" + logs.get());
            assertEquals(body, got.getBody());
            assertNotNull(got.getExtension(DelayInformation.class), "an offline message carries its delay: " + got.toXML());
        } finally {
            if (inbox != null) {
                inbox.cancel();
            }
            later.disconnect();
        }
    }

    /** A chat message to an address of an echoing component comes back as "echo: ..." from that address. */
    static void assertComponentEcho(XMPPTCPConnection user, String address, String body, Supplier<String> logs)
            throws Exception {
        org.jxmpp.jid.Jid echo = JidCreate.bareFrom(address);
        StanzaCollector inbox = user.createStanzaCollector(new AndFilter(StanzaTypeFilter.MESSAGE,
            FromMatchesFilter.createBare(echo)));
        try {
            user.sendStanza(StanzaBuilder.buildMessage().to(echo).ofType(Message.Type.chat).setBody(body).build());
            Message got = inbox.nextResult(WAIT.toMillis());
            assertNotNull(got, user.getUser() + " got no echo\n" + logs.get());
            assertEquals("echo: " + body, got.getBody(), got.toXML().toString());
        } finally {
            inbox.cancel();
        }
    }

    /** A subscription to an address of the component is accepted and its available presence arrives. */
    static void assertComponentPresence(XMPPTCPConnection user, String address, Supplier<String> logs) throws Exception {
        org.jxmpp.jid.Jid gateway = JidCreate.bareFrom(address);
        StanzaCollector presences = user.createStanzaCollector(new AndFilter(StanzaTypeFilter.PRESENCE,
            FromMatchesFilter.createBare(gateway)));
        try {
            user.sendStanza(StanzaBuilder.buildPresence().to(gateway)
                .ofType(org.jivesoftware.smack.packet.Presence.Type.subscribe).build());
            org.jivesoftware.smack.packet.Presence available = null;
            for (org.jivesoftware.smack.packet.Presence p = presences.nextResult(WAIT.toMillis()); p != null;
                 p = presences.nextResult(WAIT.toMillis())) {
                if (p.getType() == org.jivesoftware.smack.packet.Presence.Type.available) {
                    available = p;
                    break;
                }
            }
            assertNotNull(available, user.getUser() + " saw no available presence of " + address + "\n" + logs.get());
        } finally {
            presences.cancel();
        }
    }

    /** A chat message to {@code to} comes back to its sender as an error with this condition; the sender logs out. */
    static void assertBounced(XMPPTCPConnection sender, String to, String body, StanzaError.Condition condition,
                              Supplier<String> logs) throws Exception {
        StanzaCollector errors = sender.createStanzaCollector(StanzaTypeFilter.MESSAGE);
        try {
            sender.sendStanza(StanzaBuilder.buildMessage().to(JidCreate.entityBareFrom(to)).ofType(Message.Type.chat)
                .setBody(body).build());
            Message m = errors.nextResult(WAIT.toMillis());
            assertNotNull(m, "no error came back\n" + logs.get());
            assertEquals(Message.Type.error, m.getType(), m.toXML().toString());
            assertEquals(condition, m.getError().getCondition(), m.toXML().toString());
        } finally {
            errors.cancel();
            sender.disconnect();
        }
    }

    /** A user of one of the servers, logged in when a scenario starts. */
    interface Login {
        XMPPTCPConnection open() throws Exception;
    }

    /** A check between a user of one server and a user of the other, run from one to the other. */
    interface Scenario {
        void run(XMPPTCPConnection from, XMPPTCPConnection to) throws Exception;
    }

    /** What some logged-in users do together. */
    interface Together {
        void run(XMPPTCPConnection[] users) throws Exception;
    }

    /** Logs the users in (in this order), runs the body, and logs them all out, whatever happened. */
    static void together(Together body, Login... logins) throws Exception {
        XMPPTCPConnection[] users = new XMPPTCPConnection[logins.length];
        try {
            for (int i = 0; i < logins.length; i++) {
                users[i] = logins[i].open();
            }
            body.run(users);
        } finally {
            for (XMPPTCPConnection u : users) {
                if (u != null) {
                    u.disconnect();
                }
            }
        }
    }

    /**
     * Logs both users in, runs the scenario from {@code first} to {@code second} and then the other way, and logs
     * both out, whatever happened.
     */
    static void bothWays(Login first, Login second, Scenario scenario) throws Exception {
        together(u -> {
            scenario.run(u[0], u[1]);
            scenario.run(u[1], u[0]);
        }, first, second);
    }

    static void await(Callable<Boolean> condition, Supplier<String> message) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            Thread.sleep(100);
        }
        if (!Boolean.TRUE.equals(condition.call())) {
            fail(message.get());
        }
    }
}
