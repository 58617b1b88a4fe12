package chorus.actors.caps;

import chorus.actors.feature.Xml;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapsVerifierTest {

    /** XEP-0115 §5.2, the simple example. */
    static final Element SIMPLE = Xml.parse("""
        <query xmlns='http://jabber.org/protocol/disco#info' node='http://code.google.com/p/exodus#QgayPKawpkPSDYmwT/WM94uAlu0='>
          <identity category='client' name='Exodus 0.9.1' type='pc'/>
          <feature var='http://jabber.org/protocol/caps'/>
          <feature var='http://jabber.org/protocol/disco#info'/>
          <feature var='http://jabber.org/protocol/disco#items'/>
          <feature var='http://jabber.org/protocol/muc'/>
        </query>""");

    /** XEP-0115 §5.3, the complex example: two identities with xml:lang, an extended form. */
    static final Element COMPLEX = Xml.parse("""
        <query xmlns='http://jabber.org/protocol/disco#info' node='http://psi-im.org#q07IKJEyjvHSyhy//CH0CxmKi8w='>
          <identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>
          <identity xml:lang='el' category='client' name='Ψ 0.11' type='pc'/>
          <feature var='http://jabber.org/protocol/caps'/>
          <feature var='http://jabber.org/protocol/disco#info'/>
          <feature var='http://jabber.org/protocol/disco#items'/>
          <feature var='http://jabber.org/protocol/muc'/>
          <x xmlns='jabber:x:data' type='result'>
            <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>
            <field var='ip_version'><value>ipv4</value><value>ipv6</value></field>
            <field var='os'><value>Mac</value></field>
            <field var='os_version'><value>10.5.1</value></field>
            <field var='software'><value>Psi</value></field>
            <field var='software_version'><value>0.11</value></field>
          </x>
        </query>""");

    @Test
    void theSimpleExampleHashesToItsVerificationString() {
        assertEquals(Optional.of("QgayPKawpkPSDYmwT/WM94uAlu0="), CapsVerifier.ver(SIMPLE, "sha-1"));
    }

    @Test
    void theComplexExampleWithLanguagesAndAFormHashesToItsVerificationString() {
        assertEquals(Optional.of("q07IKJEyjvHSyhy//CH0CxmKi8w="), CapsVerifier.ver(COMPLEX, "sha-1"));
    }

    @Test
    void anAnswerVerifiesOnlyAgainstTheCapsItHashesTo() {
        assertTrue(CapsVerifier.verifies(new Caps("sha-1", "http://code.google.com/p/exodus", "QgayPKawpkPSDYmwT/WM94uAlu0="), SIMPLE));
        assertFalse(CapsVerifier.verifies(new Caps("sha-1", "http://psi-im.org", "q07IKJEyjvHSyhy//CH0CxmKi8w="), SIMPLE));
        // Legacy caps (no hash) and weak algorithms are never verified.
        assertFalse(CapsVerifier.verifies(new Caps(null, "http://code.google.com/p/exodus", "0.9.1"), SIMPLE));
        assertFalse(CapsVerifier.verifies(new Caps("md5", "http://code.google.com/p/exodus", "x"), SIMPLE));
    }

    @Test
    void anAnswerListingAFeatureTwiceIsIllFormed() {
        Element twice = SIMPLE.withChild(Element.build("feature", CapsVerifier.DISCO_INFO).attr("var",
            "http://jabber.org/protocol/muc").get());
        assertEquals(Optional.empty(), CapsVerifier.verificationString(twice));
    }

    @Test
    void capsAreReadFromPresence() {
        Presence p = (Presence) Stanza.fromElement(Xml.parse("""
            <presence from='romeo@montague.lit/orchard'>
              <c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='http://code.google.com/p/exodus'
                 ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>
            </presence>"""));
        Caps caps = Caps.of(p).orElseThrow();
        assertEquals("http://code.google.com/p/exodus#QgayPKawpkPSDYmwT/WM94uAlu0=", caps.discoNode());
        assertTrue(caps.verifiable());
    }

    @Test
    void theCacheKeepsOnlyVerifiableCapsAndForgetsTheLeastRecentlyUsed() {
        CapsCache cache = new CapsCache(1);
        Caps a = new Caps("sha-1", "n", "a");
        Caps b = new Caps("sha-1", "n", "b");
        Caps legacy = new Caps(null, "n", "1.0");
        cache.put(legacy, Set.of("x"));
        assertEquals(Optional.empty(), cache.features(legacy));
        cache.put(a, Set.of("x"));
        cache.put(b, Set.of("y"));
        assertEquals(Optional.empty(), cache.features(a));
        assertEquals(Optional.of(Set.of("y")), cache.features(b));
    }
}
