package chorus.actors.feature.blocking;

import chorus.actors.feature.Xml;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockRulesTest {
    static final Jid JULIET = Jid.parse("juliet@capulet.com");
    static final Jid BALCONY = Jid.parse("juliet@capulet.com/balcony");
    static final Jid ROMEO = Jid.parse("romeo@montague.net");
    static final Jid ORCHARD = Jid.parse("romeo@montague.net/orchard");

    static Jid j(String s) {
        return Jid.parse(s);
    }

    /** XEP-0191 §6 / XEP-0016 §2.1, each kind of entry against each kind of address. */
    @Test
    void entriesMatchAddressesAsXep0016Says() {
        List<String> addresses = List.of("romeo@montague.net/orchard", "romeo@montague.net/garden",
            "romeo@montague.net", "benvolio@montague.net", "montague.net/gate", "montague.net", "montague.org",
            "romeo@montague.org/orchard");
        Map<String, List<String>> matched = Map.of(
            // user@domain/resource: only that resource
            "romeo@montague.net/orchard", List.of("romeo@montague.net/orchard"),
            // user@domain: itself and any of its resources
            "romeo@montague.net", List.of("romeo@montague.net/orchard", "romeo@montague.net/garden",
                "romeo@montague.net"),
            // domain/resource: only that resource
            "montague.net/gate", List.of("montague.net/gate"),
            // domain: the domain, every user at it, every resource at it
            "montague.net", List.of("romeo@montague.net/orchard", "romeo@montague.net/garden", "romeo@montague.net",
                "benvolio@montague.net", "montague.net/gate", "montague.net"));
        matched.forEach((rule, expected) -> {
            for (String a : addresses) {
                assertEquals(expected.contains(a), BlockRules.matches(j(rule), j(a)), rule + " vs " + a);
            }
        });
    }

    @Test
    void matchingIsOnPreparedAddresses() {
        assertTrue(BlockRules.blocks(List.of(j("Romeo@Montague.NET")), j("romeo@montague.net/orchard")));
        assertFalse(BlockRules.blocks(List.of(j("romeo@montague.net/Orchard")), ORCHARD));
    }

    @Test
    void aListBlocksWhatAnyOfItsEntriesMatchesAndNeverANullAddress() {
        List<Jid> list = List.of(j("iago@shakespeare.lit"), j("montague.net"));
        assertTrue(BlockRules.blocks(list, ORCHARD));
        assertTrue(BlockRules.blocks(list, j("iago@shakespeare.lit/evil")));
        assertFalse(BlockRules.blocks(list, JULIET));
        assertFalse(BlockRules.blocks(list, null));
        assertFalse(BlockRules.blocks(List.of(), ORCHARD));
    }

    @Test
    void presenceOfAnyTypeFromABlockedAddressIsDroppedWithoutAnswer() {
        for (Presence.Type t : Presence.Type.values()) {
            assertEquals(Optional.empty(), BlockRules.refuseInbound(Presence.of(ORCHARD, JULIET, t)), t.name());
        }
    }

    @Test
    void messagesFromABlockedAddressAreAnsweredServiceUnavailable() {
        for (Message.Type t : List.of(Message.Type.CHAT, Message.Type.NORMAL, Message.Type.GROUPCHAT,
            Message.Type.HEADLINE)) {
            Message m = new Message(ORCHARD, JULIET, "m1", t, null, List.of());
            Stanza error = BlockRules.refuseInbound(m).orElseThrow();
            assertEquals(Condition.SERVICE_UNAVAILABLE, StanzaError.conditionOf(error), t.name());
            assertEquals(ORCHARD, error.to());
            assertEquals(JULIET, error.from());
        }
    }

    @Test
    void iqRequestsFromABlockedAddressAreAnsweredServiceUnavailableAndResponsesDropped() {
        Iq get = Iq.of(ORCHARD, JULIET, "q", Iq.Type.GET, Element.of("vCard", "vcard-temp"));
        assertEquals(Condition.SERVICE_UNAVAILABLE, StanzaError.conditionOf(BlockRules.refuseInbound(get).orElseThrow()));
        assertEquals(Condition.SERVICE_UNAVAILABLE,
            StanzaError.conditionOf(BlockRules.refuseInbound(get.withTo(BALCONY)).orElseThrow()));
        Iq set = Iq.of(ORCHARD, JULIET, "s", Iq.Type.SET, Element.of("x", "urn:x"));
        assertTrue(BlockRules.refuseInbound(set).isPresent());
        assertEquals(Optional.empty(), BlockRules.refuseInbound(get.result()));
        assertEquals(Optional.empty(), BlockRules.refuseInbound(get.error(StanzaError.of(Condition.BAD_REQUEST))));
    }

    @Test
    void errorsFromABlockedAddressAreDroppedNeverAnsweredWithAnError() {
        Message m = new Message(ORCHARD, JULIET, "m1", Message.Type.ERROR, null, List.of());
        assertEquals(Optional.empty(), BlockRules.refuseInbound(m));
    }

    /** XEP-0191 §3.3 Example 9: the user's message to a blocked contact comes back with <blocked/>. */
    @Test
    void theUsersStanzaToABlockedAddressComesBackNotAcceptableWithTheBlockedCondition() {
        Message out = new Message(JULIET, ROMEO, null, Message.Type.NORMAL, null,
            List.of(Element.build("body", "jabber:client").text("Can you hear me now?").get()));
        Stanza bounced = BlockRules.refuseOutbound(out).orElseThrow();
        Element expected = Xml.parse("""
            <message type='error' from='romeo@montague.net' to='juliet@capulet.com'>
              <body>Can you hear me now?</body>
              <error type='cancel'>
                <not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
                <blocked xmlns='urn:xmpp:blocking:errors'/>
              </error>
            </message>""");
        assertEquals(expected, bounced.toElement("jabber:client"));
        assertEquals(Condition.NOT_ACCEPTABLE, StanzaError.conditionOf(bounced));
    }

    @Test
    void theUsersPresenceAndIqRequestsToABlockedAddressAreRefusedToo() {
        Stanza p = BlockRules.refuseOutbound(Presence.of(BALCONY, ROMEO, Presence.Type.SUBSCRIBE)).orElseThrow();
        assertEquals(Presence.Type.ERROR, ((Presence) p).type());
        assertTrue(p.child("error", "jabber:client").orElseThrow().child("blocked", BlockRules.ERRORS_NS).isPresent());
        Iq get = Iq.of(BALCONY, ROMEO, "v", Iq.Type.GET, Element.of("vCard", "vcard-temp"));
        Iq bounced = (Iq) BlockRules.refuseOutbound(get).orElseThrow();
        assertEquals(Iq.Type.ERROR, bounced.type());
        assertEquals("v", bounced.id());
        assertEquals(BALCONY, bounced.to());
    }

    @Test
    void theUsersErrorsAndIqResultsToABlockedAddressAreDroppedSilently() {
        Iq get = Iq.of(ORCHARD, BALCONY, "q", Iq.Type.GET, Element.of("x", "urn:x"));
        assertEquals(Optional.empty(), BlockRules.refuseOutbound(get.result()));
        assertEquals(Optional.empty(), BlockRules.refuseOutbound(get.error(StanzaError.of(Condition.BAD_REQUEST))));
        assertEquals(Optional.empty(),
            BlockRules.refuseOutbound(new Message(BALCONY, ROMEO, null, Message.Type.ERROR, null, List.of())));
    }
}
