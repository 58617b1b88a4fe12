package chorus.actors.feature.vcard;

import chorus.actors.feature.Account;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqContext.Relation;
import chorus.actors.feature.IqResult;
import chorus.actors.feature.Xml;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VCardHandlerTest {
    static final BareJid STPETER = BareJid.parseBare("stpeter@jabber.org");
    static final Jid ROUNDABOUT = Jid.parse("stpeter@jabber.org/roundabout");
    static final Jid JER = Jid.parse("jer@jabber.org");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC);

    /** XEP-0054 Example 2, the vCard the server returns (shortened). */
    static final Element VCARD = Xml.parse("""
        <vCard xmlns='vcard-temp'>
          <FN>Peter Saint-Andre</FN>
          <N><FAMILY>Saint-Andre</FAMILY><GIVEN>Peter</GIVEN><MIDDLE/></N>
          <NICKNAME>stpeter</NICKNAME>
          <JABBERID>stpeter@jabber.org</JABBERID>
        </vCard>""");

    final VCardHandler handler = new VCardHandler();

    /** XEP-0054 Example 1: the owner's get, no 'to'. */
    static Iq ownGet() {
        return Xml.iq("<iq from='stpeter@jabber.org/roundabout' id='v1' type='get'><vCard xmlns='vcard-temp'/></iq>");
    }

    /** XEP-0054 Example 8: someone else's get to the account's bare JID. */
    static Iq othersGet() {
        return Xml.iq("<iq from='stpeter@jabber.org/roundabout' id='v3' to='jer@jabber.org' type='get'>"
            + "<vCard xmlns='vcard-temp'/></iq>");
    }

    static Iq set(Element vcard) {
        return Iq.of(ROUNDABOUT, null, "v2", Iq.Type.SET, vcard);
    }

    static IqResult handle(VCardHandler h, Iq iq, Account account, Relation relation, Jid owner) {
        return h.handle(iq, account.context(owner, relation, CLOCK));
    }

    static Iq reply(IqResult r) {
        return assertInstanceOf(IqResult.Reply.class, r).reply();
    }

    static void assertError(Condition condition, IqResult r) {
        Iq reply = reply(r);
        assertEquals(Iq.Type.ERROR, reply.type());
        assertEquals(condition, StanzaError.conditionOf(reply));
    }

    @Test
    void theOwnerReadsTheStoredVCard() {
        Iq reply = reply(handle(handler, ownGet(), Account.EMPTY.withVcard(VCARD), Relation.SELF, STPETER));
        assertEquals(Iq.Type.RESULT, reply.type());
        assertEquals("v1", reply.id());
        assertEquals(ROUNDABOUT, reply.to());
        assertEquals(VCARD, reply.payload().orElseThrow());
    }

    @Test
    void theOwnerWithoutAVCardGetsAnEmptyOneRatherThanAnError() {
        Iq reply = reply(handle(handler, ownGet(), Account.EMPTY, Relation.SELF, STPETER));
        assertEquals(Iq.Type.RESULT, reply.type());
        assertEquals(Element.of("vCard", "vcard-temp"), reply.payload().orElseThrow());
    }

    @Test
    void contactsAndStrangersReadAStoredVCardSinceItIsPublic() {
        for (Relation relation : List.of(Relation.CONTACT, Relation.STRANGER)) {
            Iq reply = reply(handle(handler, othersGet(), Account.EMPTY.withVcard(VCARD), relation, JER));
            assertEquals(Iq.Type.RESULT, reply.type(), relation.name());
            assertEquals(JER, reply.from());
            assertEquals(VCARD, reply.payload().orElseThrow());
        }
    }

    @Test
    void anyoneElseAskingForAMissingVCardGetsServiceUnavailableLikeForAMissingAccount() {
        for (Relation relation : List.of(Relation.CONTACT, Relation.STRANGER)) {
            assertError(Condition.SERVICE_UNAVAILABLE, handle(handler, othersGet(), Account.EMPTY, relation, JER));
        }
    }

    @Test
    void theOwnerStoresItsVCardAndGetsAnEmptyResultAfterwards() {
        IqResult r = handle(handler, set(VCARD), Account.EMPTY, Relation.SELF, STPETER);
        IqResult.PersistThenReply p = assertInstanceOf(IqResult.PersistThenReply.class, r);
        assertEquals(List.of(new VCardStored(VCARD)), p.events());
        assertEquals(Iq.Type.RESULT, p.reply().type());
        assertEquals("v2", p.reply().id());
        assertEquals(ROUNDABOUT, p.reply().to());
        assertEquals(List.of(), p.reply().children());
    }

    @Test
    void storingAnEmptyVCardIsPersistedSoThatItClearsTheOldOne() {
        IqResult r = handle(handler, set(Element.of("vCard", VCardHandler.NS)), Account.EMPTY.withVcard(VCARD),
            Relation.SELF, STPETER);
        assertEquals(List.of(new VCardStored(Element.of("vCard", VCardHandler.NS))),
            assertInstanceOf(IqResult.PersistThenReply.class, r).events());
    }

    @Test
    void aContactMayNotSetTheVCardOfAnotherAccount() {
        Iq set = set(VCARD).withTo(JER);
        assertError(Condition.FORBIDDEN, handle(handler, set, Account.EMPTY, Relation.CONTACT, JER));
    }

    @Test
    void aStrangerSettingTheVCardGetsServiceUnavailableAndLearnsNotWhetherTheAccountExists() {
        Iq set = set(VCARD).withTo(JER);
        assertError(Condition.SERVICE_UNAVAILABLE, handle(handler, set, Account.EMPTY.withVcard(VCARD),
            Relation.STRANGER, JER));
    }

    @Test
    void aVCardOverTheSizeLimitIsNotAcceptableAndNamesTheLimit() {
        VCardHandler small = new VCardHandler(VCARD.weight());
        assertInstanceOf(IqResult.PersistThenReply.class, handle(small, set(VCARD), Account.EMPTY, Relation.SELF, STPETER));
        Element bigger = VCARD.withChild(Element.of("X", VCardHandler.NS));
        Iq reply = reply(handle(small, set(bigger), Account.EMPTY, Relation.SELF, STPETER));
        assertEquals(Condition.NOT_ACCEPTABLE, StanzaError.conditionOf(reply));
        String text = reply.child("error", "jabber:client").orElseThrow()
            .childText("text", "urn:ietf:params:xml:ns:xmpp-stanzas").orElseThrow();
        assertTrue(text.contains("too large") && text.contains(Integer.toString(VCARD.weight())), text);
    }

    @Test
    void theServerPublishesNoVCardAndNobodySetsOne() {
        IqContext server = IqContext.server(new DomainJid("jabber.org"), CLOCK);
        Iq get = Iq.of(ROUNDABOUT, new DomainJid("jabber.org"), "s1", Iq.Type.GET, Element.of("vCard", VCardHandler.NS));
        assertError(Condition.SERVICE_UNAVAILABLE, handler.handle(get, server));
        Iq set = Iq.of(ROUNDABOUT, new DomainJid("jabber.org"), "s2", Iq.Type.SET, VCARD);
        assertError(Condition.FORBIDDEN, handler.handle(set, server));
    }

    @Test
    void onlyVCardRequestsAreOwnedAndTheFeatureIsVcardTemp() {
        assertTrue(handler.owns(ownGet()));
        assertTrue(handler.owns(set(VCARD)));
        assertFalse(handler.owns(ownGet().result(VCARD)));
        assertFalse(handler.owns(Iq.of(ROUNDABOUT, null, "p", Iq.Type.GET, Element.of("ping", "urn:xmpp:ping"))));
        assertEquals(Set.of("vcard-temp"), handler.discoFeatures());
    }

    @Test
    void aStoredVCardEventPrintsNoneOfItsContent() {
        assertFalse(new VCardStored(VCARD).toString().contains("Saint-Andre"));
    }
}
