package chorus.actors.feature.vcard;

import chorus.actors.xmpp.Element;
import chorus.actors.feature.Xml;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0292 vcard4 and XEP-0084 avatar items, as Prosody 0.12's mod_vcard_legacy writes them, made a vcard-temp. */
class VCard4Test {
    static final String PROSODY_PEP = """
        <pubsub xmlns='http://jabber.org/protocol/pubsub'>
          <items node='urn:xmpp:avatar:data'>
            <item id='0123'><data xmlns='urn:xmpp:avatar:data'>iVBORw0KGgo=</data></item>
          </items>
          <items node='urn:xmpp:vcard4'>
            <item id='current'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>
              <fn><text>Juliet Capulet</text></fn>
              <n><surname>Capulet</surname><given>Juliet</given></n>
              <nickname><text>Jules</text></nickname>
              <email><text>juliet@capulet.lit</text><parameters><type><text>home</text></type></parameters></email>
              <tel><uri>tel:+39 045 800</uri></tel>
              <adr><locality>Verona</locality><country>Italia</country></adr>
            </vcard></item>
          </items>
          <items node='urn:xmpp:avatar:metadata'>
            <item id='0123'><metadata xmlns='urn:xmpp:avatar:metadata'><info id='0123' type='image/png' bytes='8'/></metadata></item>
          </items>
        </pubsub>""";

    @Test
    void prosodysVCard4AndAvatarItemsMakeTheVCardTempAClientAsksFor() {
        Element v = VCard4.fromPepItems(Xml.parse(PROSODY_PEP)).orElseThrow();
        assertTrue(v.is("vCard", "vcard-temp"));
        assertEquals("Juliet Capulet", v.childText("FN", "vcard-temp").orElseThrow());
        Element n = v.child("N", "vcard-temp").orElseThrow();
        assertEquals("Capulet", n.childText("FAMILY", "vcard-temp").orElseThrow());
        assertEquals("Juliet", n.childText("GIVEN", "vcard-temp").orElseThrow());
        assertEquals("Jules", v.childText("NICKNAME", "vcard-temp").orElseThrow());
        assertEquals("juliet@capulet.lit",
            v.child("EMAIL", "vcard-temp").orElseThrow().childText("USERID", "vcard-temp").orElseThrow());
        assertEquals("+39 045 800", v.child("TEL", "vcard-temp").orElseThrow().childText("NUMBER", "vcard-temp").orElseThrow());
        assertEquals("Verona", v.child("ADR", "vcard-temp").orElseThrow().childText("LOCALITY", "vcard-temp").orElseThrow());
        Element photo = v.child("PHOTO", "vcard-temp").orElseThrow();
        assertEquals("image/png", photo.childText("TYPE", "vcard-temp").orElseThrow());
        assertEquals("iVBORw0KGgo=", photo.childText("BINVAL", "vcard-temp").orElseThrow());
    }

    @Test
    void otherPepItemsMakeNoVCard() {
        assertTrue(VCard4.fromPepItems(Xml.parse("<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
            + "<items node='http://jabber.org/protocol/nick'><item id='current'>"
            + "<nick xmlns='http://jabber.org/protocol/nick'>Jules</nick></item></items></pubsub>")).isEmpty());
        assertTrue(VCard4.fromPepItems(Xml.parse("<query xmlns='jabber:iq:private'/>")).isEmpty());
    }
}
