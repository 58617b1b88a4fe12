package chorus.node.it.federation;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.carbons.CarbonManager;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.iqversion.VersionManager;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.nick.packet.Nick;
import org.jivesoftware.smackx.pep.PepEventListener;
import org.jivesoftware.smackx.pep.PepManager;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.DomainBareJid;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The account features of one server as a user of another server meets them (real clients on both sides): PEP
 * notifications, carbons, the archive, disco and version. Like {@link Federated}, whatever the servers.
 */
final class FederatedFeatures {
    private FederatedFeatures() {
    }

    /**
     * XEP-0163 across servers. The two share presence both ways (a mutual subscription first); the contact's client
     * starts wanting nicks (XEP-0172), which its caps announce as {@code nick+notify} (XEP-0115): the publisher's
     * server learns that over s2s by asking the contact's client for its disco#info, and the nick the publisher
     * then publishes arrives at the contact as a notification from the publisher's bare JID. The publisher's
     * account shows itself as a PEP service to the contact (XEP-0163 §6.1).
     */
    static void assertPepNotification(XMPPTCPConnection publisher, XMPPTCPConnection contact, Supplier<String> logs)
            throws Exception {
        BareJid publisherJid = publisher.getUser().asBareJid();
        DiscoverInfo account = ServiceDiscoveryManager.getInstanceFor(contact).discoverInfo(publisherJid);
        assertTrue(account.hasIdentity("pubsub", "pep"), publisherJid + " as " + contact.getUser() + " sees it: " + account.toXML());
        String nick = "nick-" + UUID.randomUUID();
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        PepEventListener<Nick> listener = (from, event, id, carrier) -> {
            if (from.equals(publisherJid)) {
                seen.add(event.getName());
            }
        };
        PepManager.getInstanceFor(contact).addPepEventListener(Nick.NAMESPACE, Nick.class, listener);
        try {
            PepManager.getInstanceFor(publisher).publish(Nick.NAMESPACE, new PayloadItem<>(new Nick(nick)));
            long deadline = System.nanoTime() + Federated.WAIT.toNanos();
            String got = null;
            while (!nick.equals(got) && System.nanoTime() < deadline) {
                got = seen.poll(100, TimeUnit.MILLISECONDS);
            }
            assertEquals(nick, got, contact.getUser() + " got no notification of " + publisherJid + "'s nick\n" + logs.get());
        } finally {
            PepManager.getInstanceFor(contact).removePepEventListener(listener);
        }
    }

    /** {@link #assertPepNotification} as a scenario for both ways; the two subscribe to each other before the first. */
    static Federated.Scenario pepOnceSubscribed(Supplier<String> logs) {
        boolean[] subscribed = {false};
        return (publisher, contact) -> {
            if (!subscribed[0]) {
                Federated.assertMutualSubscription(publisher, contact, logs);
                subscribed[0] = true;
            }
            assertPepNotification(publisher, contact, logs);
        };
    }

    /**
     * XEP-0280 with a user of another server: {@code first} and {@code second} are two resources of one account,
     * both with carbons on. A chat from the remote user to {@code first} reaches {@code second} as a received copy;
     * {@code first}'s answer to the remote user reaches {@code second} as a sent copy, and the remote user gets it.
     */
    static void assertCarbons(XMPPTCPConnection first, XMPPTCPConnection second, XMPPTCPConnection remote,
                              Supplier<String> logs) throws Exception {
        CarbonManager.getInstanceFor(first).enableCarbons();
        CarbonManager.getInstanceFor(second).enableCarbons();
        BlockingQueue<String> copies = new LinkedBlockingQueue<>();
        org.jivesoftware.smackx.carbons.CarbonCopyReceivedListener listener = (direction, copy, wrapper) ->
            copies.add(direction + " " + copy.getFrom().asBareJid() + "->" + copy.getTo().asBareJid() + " " + copy.getBody());
        CarbonManager.getInstanceFor(second).addCarbonCopyReceivedListener(listener);
        BareJid remoteJid = remote.getUser().asBareJid();
        BareJid account = first.getUser().asBareJid();
        StanzaCollector atRemote = remote.createStanzaCollector(new AndFilter(StanzaTypeFilter.MESSAGE,
            FromMatchesFilter.createBare(account)));
        try {
            String in = "to one device, copied " + UUID.randomUUID();
            remote.sendStanza(StanzaBuilder.buildMessage().to(first.getUser()).ofType(Message.Type.chat).setBody(in).build());
            awaitCopy(copies, CarbonExtension.Direction.received + " " + remoteJid + "->" + account + " " + in, logs);
            String out = "the answer, copied " + UUID.randomUUID();
            first.sendStanza(StanzaBuilder.buildMessage().to(remote.getUser()).ofType(Message.Type.chat).setBody(out).build());
            awaitCopy(copies, CarbonExtension.Direction.sent + " " + account + "->" + remoteJid + " " + out, logs);
            Message got = atRemote.nextResult(Federated.WAIT.toMillis());
            assertNotNull(got, remote.getUser() + " did not get the answer\n" + logs.get());
            assertEquals(out, got.getBody());
        } finally {
            atRemote.cancel();
            CarbonManager.getInstanceFor(second).removeCarbonCopyReceivedListener(listener);
        }
    }

    private static void awaitCopy(BlockingQueue<String> copies, String expected, Supplier<String> logs) throws Exception {
        long deadline = System.nanoTime() + Federated.WAIT.toNanos();
        StringBuilder others = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String c = copies.poll(100, TimeUnit.MILLISECONDS);
            if (expected.equals(c)) {
                return;
            } else if (c != null) {
                others.append(c).append('\n');
            }
        }
        throw new AssertionError("no carbon copy '" + expected + "'; got:\n" + others + logs.get());
    }

    /**
     * XEP-0313 with a user of another server: once {@code owner} archives everything (its preferences: always), a
     * chat it sends to the remote user and one the remote user sends it are both in its archive, queried with
     * Smack's MamManager for that contact.
     */
    static void assertArchived(XMPPTCPConnection owner, XMPPTCPConnection remote, Supplier<String> logs) throws Exception {
        MamManager mam = MamManager.getInstanceFor(owner);
        assertTrue(mam.isSupported(), owner.getXMPPServiceDomain() + " supports MAM");
        mam.enableMamForAllMessages();
        String out = "archived, sent to " + remote.getUser().getDomain() + " " + UUID.randomUUID();
        String in = "archived, sent from " + remote.getUser().getDomain() + " " + UUID.randomUUID();
        Federated.assertChat(owner, remote, out, logs);
        Federated.assertChat(remote, owner, in, logs);
        BareJid contact = remote.getUser().asBareJid();
        List<String>[] bodies = new List[] {List.of()};
        // The archive is written beside delivery, not before it; asked every 2 s at most, as an account may make
        // chorus.mam.queries-per-minute (60) queries.
        Federated.await(() -> {
            List<Message> archived = mam.queryArchive(MamManager.MamQueryArgs.builder().limitResultsToJid(contact)
                .setResultPageSizeTo(100).queryLastPage().build()).getMessages();
            bodies[0] = archived.stream().map(Message::getBody).collect(Collectors.toList());
            boolean both = bodies[0].contains(out) && bodies[0].contains(in);
            if (!both) {
                Thread.sleep(1_900);
            }
            return both;
        }, () -> owner.getUser() + "'s archive with " + contact + " holds " + bodies[0] + "\n" + logs.get());
        List<String> order = bodies[0].stream().filter(b -> b.equals(out) || b.equals(in)).collect(Collectors.toList());
        assertEquals(List.of(out, in), order, "in the order they were sent");
    }

    /**
     * Service discovery (XEP-0030) and software version (XEP-0092) of the other side: its server's disco#info (a
     * server identity) and disco#items, its client's disco#info (which lists ping) and version, its server's version.
     */
    static void assertDiscoAndVersion(XMPPTCPConnection asker, XMPPTCPConnection other, Supplier<String> logs)
            throws Exception {
        VersionManager.getInstanceFor(other).setVersion("chorus-test-client", "1.0." + other.getUser().getDomain().hashCode());
        ServiceDiscoveryManager disco = ServiceDiscoveryManager.getInstanceFor(asker);
        DomainBareJid server = other.getXMPPServiceDomain();
        DiscoverInfo info = disco.discoverInfo(server);
        assertTrue(info.getIdentities().stream().anyMatch(i -> i.getCategory().equals("server")),
            server + "'s disco#info: " + info.toXML() + "\n" + logs.get());
        assertNotNull(disco.discoverItems(server), server + "'s disco#items");
        DiscoverInfo client = disco.discoverInfo(other.getUser());
        assertTrue(client.containsFeature("urn:xmpp:ping"), other.getUser() + "'s disco#info: " + client.toXML());
        Version clientVersion = VersionManager.getInstanceFor(asker).getVersion(other.getUser());
        // Smack appends its own name to the one the client set.
        assertTrue(clientVersion.getName().startsWith("chorus-test-client"), clientVersion.getName());
        assertEquals("1.0." + other.getUser().getDomain().hashCode(), clientVersion.getVersion());
        Version serverVersion = VersionManager.getInstanceFor(asker).getVersion(server);
        assertNotNull(serverVersion.getName(), server + " names its software");
        assertTrue(!serverVersion.getName().isBlank(), server + " names its software");
    }
}
