package chorus.node.csi;

import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.node.session.SessionLink;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0352 on one stream, without a session: what waits while the client is inactive, and in which order it goes. */
class ClientStateIndicationTest {
    static final BareJid JULIET = new BareJid("juliet", "example.org");
    static final FullJid BALCONY = JULIET.withResource("balcony");
    static final FullJid ORCHARD = new BareJid("romeo", "example.org").withResource("orchard");
    static final FullJid GARDEN = new BareJid("romeo", "example.org").withResource("garden");
    static final FullJid NURSE = new BareJid("room", "conference.example.org").withResource("nurse");

    final List<Stanza> written = new ArrayList<>();
    final List<Boolean> told = new ArrayList<>();
    final SessionLink link = new SessionLink() {
        @Override
        public void inactive(boolean inactive) {
            told.add(inactive);
        }

        @Override
        public BareJid account() {
            return JULIET;
        }

        @Override
        public FullJid jid() {
            return BALCONY;
        }

        @Override
        public void toClient(Stanza stanza) {
            written.add(stanza);
        }

        @Override
        public void send(Element element) {
            throw new AssertionError("CSI answers nothing");
        }
    };

    ClientStateIndication csi(int maxHeld) {
        return new ClientStateIndication(link, new CsiSettings(true, maxHeld, 512 * 1024));
    }

    ClientStateIndication inactive() {
        ClientStateIndication c = csi(256);
        assertTrue(c.element(Element.of("inactive", ClientStateIndication.NS)));
        return c;
    }

    @Test
    void theSessionIsToldWhenTheClientStopsAndStartsReading() {
        ClientStateIndication c = inactive();
        c.element(Element.of("active", ClientStateIndication.NS));
        assertEquals(List.of(true, false), told, "its account's entity hears it, for push (XEP-0357)");
    }

    /** What the client gets of this stanza now: it, after what was held (true), or nothing yet (false). */
    static boolean passes(ClientStateIndication c, Stanza s) {
        return c.toClient(s);
    }

    static Presence presence(FullJid from, String show) {
        List<Node> children = show == null ? List.of() : List.of(Element.build("show", Ns.CLIENT).text(show).get());
        return new Presence(from, BALCONY, null, Presence.Type.AVAILABLE, null, children);
    }

    static Message chatState(FullJid from, String state) {
        return new Message(from, BALCONY, null, Message.Type.CHAT, null,
            List.of(Element.of(state, Urgency.CHAT_STATES)));
    }

    static Message pep(String node, String item) {
        Element items = Element.build("items", Urgency.PUBSUB_EVENT).attr("node", node)
            .child(Element.build("item", Urgency.PUBSUB_EVENT).attr("id", item).get()).get();
        return new Message(ORCHARD.bareJid(), BALCONY, null, Message.Type.HEADLINE, null,
            List.of(Element.build("event", Urgency.PUBSUB_EVENT).child(items).get()));
    }

    static Message carbon(String direction, Message inner) {
        Element forwarded = Element.build("forwarded", Urgency.FORWARD).child(inner.toElement(Ns.CLIENT)).get();
        return new Message(JULIET, BALCONY, null, inner.type(), null,
            List.of(Element.build(direction, Urgency.CARBONS).child(forwarded).get()));
    }

    @Test
    void theStreamOffersCsiAndTakesActiveAndInactiveOnly() {
        ClientStateIndication c = csi(256);
        assertEquals(List.of(Element.of("csi", ClientStateIndication.NS)), c.features());
        assertFalse(c.element(Element.of("dormant", ClientStateIndication.NS)), "not ours: the stream's error");
        assertFalse(c.element(Element.of("inactive", "urn:example")));
        assertTrue(c.element(Element.of("inactive", ClientStateIndication.NS)));
        assertTrue(c.inactive());
        assertTrue(c.element(Element.of("active", ClientStateIndication.NS)));
        assertFalse(c.inactive());
    }

    @Test
    void anActiveClientGetsEverythingAtOnce() {
        ClientStateIndication c = csi(256);
        assertTrue(passes(c, presence(ORCHARD, "away")));
        assertTrue(passes(c, chatState(ORCHARD, "composing")));
        assertTrue(passes(c, pep("urn:xmpp:mood", "current")));
    }

    @Test
    void whileInactivePresenceWaitsTheNewestPerFullJidAndAnActiveFlushesInOrder() {
        ClientStateIndication c = inactive();
        assertFalse(passes(c, presence(ORCHARD, "away")));
        assertFalse(passes(c, presence(GARDEN, "dnd")));
        assertFalse(passes(c, presence(ORCHARD, "xa")));
        assertTrue(written.isEmpty());
        c.element(Element.of("active", ClientStateIndication.NS));
        assertEquals(List.of(presence(GARDEN, "dnd"), presence(ORCHARD, "xa")), written,
            "the older presence of the orchard was replaced; the newest comes in its arrival order");
        assertTrue(passes(c, presence(ORCHARD, "chat")), "active again");
    }

    @Test
    void aMessageWithABodyGoesAtOnceAfterWhatWaited() {
        ClientStateIndication c = inactive();
        passes(c, presence(ORCHARD, "away"));
        passes(c, chatState(ORCHARD, "composing"));
        Message chat = Message.chat(ORCHARD, BALCONY, "m1", "hello");
        assertTrue(passes(c, chat), "written by the session right after what the extension wrote");
        assertEquals(List.of(presence(ORCHARD, "away"), chatState(ORCHARD, "composing")), written);
        assertEquals(0, c.heldCount());
        assertTrue(c.inactive(), "still inactive");
        assertFalse(passes(c, presence(GARDEN, null)));
    }

    @Test
    void iqsErrorsSubscriptionsInvitationsAndTheRoomsWordAboutTheUserGoAtOnce() {
        ClientStateIndication c = inactive();
        List<Stanza> urgent = List.of(
            Iq.of(ORCHARD, BALCONY, "q1", Iq.Type.GET, Element.of("query", "jabber:iq:version")),
            Message.chat(ORCHARD, BALCONY, "m1", "x").errorReply(StanzaError.of(StanzaError.Condition.ITEM_NOT_FOUND)),
            Presence.of(ORCHARD.bareJid(), JULIET, Presence.Type.SUBSCRIBE),
            new Message(ORCHARD, BALCONY, "i1", Message.Type.NORMAL, null,
                List.of(Element.build("x", "jabber:x:conference").attr("jid", "room@conference.example.org").get())),
            new Message(NURSE.bareJid(), BALCONY, "s1", Message.Type.GROUPCHAT, null,
                List.of(Element.build("subject", Ns.CLIENT).text("today").get())),
            new Presence(NURSE, BALCONY, null, Presence.Type.AVAILABLE, null, List.of(Element.build("x", Urgency.MUC_USER)
                .child(Element.build("status", Urgency.MUC_USER).attr("code", "110").get()).get())),
            new Message(JULIET, BALCONY, null, Message.Type.NORMAL, null,
                List.of(Element.build("result", "urn:xmpp:mam:2").attr("id", "1").get())),
            carbon("sent", Message.chat(BALCONY, ORCHARD, "c1", "from the other device")));
        for (Stanza s : urgent) {
            assertTrue(passes(c, s), s.toString());
        }
    }

    @Test
    void chatStatesPepItemsAndCarbonsOfChatStatesWaitTheNewestPerKey() {
        ClientStateIndication c = inactive();
        passes(c, chatState(ORCHARD, "composing"));
        passes(c, pep("urn:xmpp:mood", "current"));
        passes(c, chatState(ORCHARD, "paused"));
        passes(c, new Message(ORCHARD, BALCONY, null, Message.Type.NORMAL, null,
            List.of(Element.build("received", "urn:xmpp:receipts").attr("id", "a").get())));
        passes(c, new Message(ORCHARD, BALCONY, null, Message.Type.NORMAL, null,
            List.of(Element.build("received", "urn:xmpp:receipts").attr("id", "b").get())));
        passes(c, pep("urn:xmpp:mood", "current"));
        passes(c, pep("urn:xmpp:tune", "current"));
        passes(c, carbon("received", chatState(GARDEN, "composing")));
        passes(c, carbon("received", chatState(GARDEN, "active")));
        passes(c, new Message(NURSE, BALCONY, null, Message.Type.GROUPCHAT, null,
            List.of(Element.of("composing", Urgency.CHAT_STATES))));
        assertEquals(7, c.heldCount(), "two chat states, one mood and one carbon replaced; both receipts kept");
        c.element(Element.of("active", ClientStateIndication.NS));
        assertEquals(List.of("paused", "receipt a", "receipt b", "mood", "tune", "carbon active", "room composing"),
            written.stream().map(ClientStateIndicationTest::describe).toList());
    }

    @Test
    void aFullQueueIsWrittenOutAndHoldingGoesOn() {
        ClientStateIndication c = csi(3);
        c.element(Element.of("inactive", ClientStateIndication.NS));
        for (int i = 0; i < 3; i++) {
            passes(c, presence(new BareJid("c" + i, "example.org").withResource("r"), null));
        }
        assertTrue(written.isEmpty());
        passes(c, presence(ORCHARD, null));
        assertEquals(4, written.size(), "past the limit everything held was written, in order");
        assertEquals(ORCHARD, written.get(3).from());
        assertFalse(passes(c, presence(GARDEN, null)), "and the next waits again");
    }

    @Test
    void aResumingStreamTakesWhatWaitedAsSentAndUnacknowledged() {
        ClientStateIndication c = inactive();
        passes(c, presence(ORCHARD, "away"));
        passes(c, chatState(ORCHARD, "composing"));
        Message unacked = Message.chat(ORCHARD, BALCONY, "m0", "before");
        SessionMessage.Resumption before = new SessionMessage.Resumption(false, "id", 3, (1L << 32) - 1,
            List.of(new SessionMessage.Unacked(unacked, 7, 1)), null, true, List.of(), 300);
        SessionMessage.Resumption after = c.handOver(before);
        assertEquals(List.of(unacked, presence(ORCHARD, "away"), chatState(ORCHARD, "composing")),
            after.unacked().stream().map(SessionMessage.Unacked::stanza).toList());
        assertEquals(1, after.sent(), "two more sent, the count wrapping at 2^32 (XEP-0198 §4)");
        assertEquals(0, c.heldCount());
        assertTrue(written.isEmpty(), "nothing goes to the old stream's client");
        assertTrue(c.handOver(before) == before, "nothing held: the state as it was");
    }

    static String describe(Stanza s) {
        Message m = (Message) s;
        if (m.child("received", Urgency.CARBONS).isPresent()) {
            return "carbon " + m.child("received", Urgency.CARBONS).get().child("forwarded", Urgency.FORWARD).get()
                .child("message", Ns.CLIENT).get().elements().get(0).name();
        }
        if (m.child("received", "urn:xmpp:receipts").isPresent()) {
            return "receipt " + m.child("received", "urn:xmpp:receipts").get().attr("id");
        }
        if (m.child("event", Urgency.PUBSUB_EVENT).isPresent()) {
            String node = m.child("event", Urgency.PUBSUB_EVENT).get().elements().get(0).attr("node");
            return node.substring(node.lastIndexOf(':') + 1);
        }
        String state = ((Element) m.children().get(0)).name();
        return m.type() == Message.Type.GROUPCHAT ? "room " + state : state;
    }
}
