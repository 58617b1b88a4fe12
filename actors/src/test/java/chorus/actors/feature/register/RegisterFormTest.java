package chorus.actors.feature.register;

import chorus.actors.feature.Xml;
import chorus.actors.feature.register.RegisterRequest.ChangePassword;
import chorus.actors.feature.register.RegisterRequest.Invalid;
import chorus.actors.feature.register.RegisterRequest.Register;
import chorus.actors.feature.register.RegisterRequest.Remove;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegisterFormTest {
    static final DomainJid DOMAIN = new DomainJid("shakespeare.lit");
    static final BareJid BILL = BareJid.parseBare("bill@shakespeare.lit");

    static Element query(String xml) {
        return Xml.iq(xml).payload().orElseThrow();
    }

    static Element fields(String username, String password) {
        Element.Builder b = Element.build("query", RegisterForm.NS);
        if (username != null) {
            b.child(Element.of("username", RegisterForm.NS).withText(username));
        }
        if (password != null) {
            b.child(password.isEmpty() ? Element.of("password", RegisterForm.NS)
                : Element.of("password", RegisterForm.NS).withText(password));
        }
        return b.get();
    }

    static StanzaError refused(RegisterRequest r, Condition condition) {
        StanzaError error = assertInstanceOf(Invalid.class, r).error();
        assertEquals(condition, error.condition());
        return error;
    }

    // --- get (§3.1) ---

    @Test
    void anUnregisteredEntityIsAskedForAUsernameAndAPassword() {
        assertEquals(Xml.parse("""
            <query xmlns='jabber:iq:register'>
              <instructions>Choose a username and password for use with this service.</instructions>
              <username/>
              <password/>
            </query>"""), RegisterForm.form(RegisterForm.DEFAULT_INSTRUCTIONS));
    }

    @Test
    void aRegisteredAccountIsToldItIsRegisteredWithItsUsernameAndNoPassword() {
        Element q = RegisterForm.registered(BILL, "Send a new password to change it.");
        assertTrue(q.child("registered", RegisterForm.NS).isPresent());
        assertEquals("bill", q.childText("username", RegisterForm.NS).orElseThrow());
        assertEquals("", q.childText("password", RegisterForm.NS).orElseThrow());
        assertEquals("Send a new password to change it.", q.childText("instructions", RegisterForm.NS).orElseThrow());
    }

    @Test
    void registrationQueriesAreOwnedButNotTheirResults() {
        Iq get = Xml.iq("<iq type='get' id='reg1' to='shakespeare.lit'><query xmlns='jabber:iq:register'/></iq>");
        assertTrue(RegisterForm.owns(get));
        assertFalse(RegisterForm.owns(get.result()));
        assertFalse(RegisterForm.owns(Iq.of(null, null, "x", Iq.Type.GET, Element.of("query", "jabber:iq:roster"))));
    }

    // --- register (§3.1) ---

    @Test
    void anUnauthenticatedSetWithUsernameAndPasswordRegistersAndIgnoresOtherFields() {
        // XEP-0077 Example 4.
        RegisterRequest r = RegisterForm.parse(query("""
            <iq type='set' id='reg2'>
              <query xmlns='jabber:iq:register'>
                <username>bill</username>
                <password>Calliope</password>
                <email>bard@shakespeare.lit</email>
              </query>
            </iq>"""), DOMAIN, null);
        assertEquals(new Register("bill", "Calliope"), r);
    }

    @Test
    void theUsernameIsPreparedAsALocalpart() {
        Register r = assertInstanceOf(Register.class, RegisterForm.parse(fields("Bill", "Calliope"), DOMAIN, null));
        assertEquals("bill", r.username());
    }

    @Test
    void aMissingOrEmptyUsernameOrPasswordIsNotAcceptable() {
        for (Element q : List.of(fields(null, "Calliope"), fields("", "Calliope"), fields("bill", null),
            fields("bill", ""), fields(null, null))) {
            refused(RegisterForm.parse(q, DOMAIN, null), Condition.NOT_ACCEPTABLE);
        }
    }

    @Test
    void aUsernameThatCannotBeALocalpartIsJidMalformed() {
        for (String bad : List.of("bill@globe", "bill/globe", "bill globe", "x".repeat(1024), "bill\u0000")) {
            refused(RegisterForm.parse(fields(bad, "Calliope"), DOMAIN, null), Condition.JID_MALFORMED);
        }
    }

    @Test
    void aPasswordOverTheLimitIsNotAcceptable() {
        String longest = "p".repeat(RegisterForm.MAX_PASSWORD_BYTES);
        assertInstanceOf(Register.class, RegisterForm.parse(fields("bill", longest), DOMAIN, null));
        StanzaError e = refused(RegisterForm.parse(fields("bill", longest + "p"), DOMAIN, null), Condition.NOT_ACCEPTABLE);
        assertTrue(e.text().contains("too long"), e.text());
        // Bytes, not characters: 512 two-byte characters are over 1023 bytes.
        refused(RegisterForm.parse(fields("bill", "é".repeat(512)), DOMAIN, null), Condition.NOT_ACCEPTABLE);
    }

    @Test
    void aPasswordWithCharactersOpaqueStringDisallowsIsNotAcceptableAndNotQuoted() {
        String password = "secret\u0007bell";
        StanzaError e = refused(RegisterForm.parse(fields("bill", password), DOMAIN, null), Condition.NOT_ACCEPTABLE);
        assertFalse(e.text().contains("secret"), e.text());
    }

    // --- change password (§3.3) ---

    @Test
    void anAuthenticatedSetWithAPasswordChangesTheAccountsPassword() {
        // XEP-0077 Example 18.
        RegisterRequest r = RegisterForm.parse(query("""
            <iq type='set' to='shakespeare.lit' id='change1'>
              <query xmlns='jabber:iq:register'>
                <username>bill</username>
                <password>newpass</password>
              </query>
            </iq>"""), DOMAIN, BILL);
        assertEquals(new ChangePassword("bill", "newpass"), r);
    }

    @Test
    void theUsernameMayBeLeftOutOfAPasswordChange() {
        assertEquals(new ChangePassword("bill", "newpass"), RegisterForm.parse(fields(null, "newpass"), DOMAIN, BILL));
        assertEquals(new ChangePassword("bill", "newpass"), RegisterForm.parse(fields("BILL", "newpass"), DOMAIN, BILL));
    }

    @Test
    void anEmptyNewPasswordIsABadRequestAndKeepsTheOldOne() {
        refused(RegisterForm.parse(fields("bill", ""), DOMAIN, BILL), Condition.BAD_REQUEST);
        refused(RegisterForm.parse(fields("bill", null), DOMAIN, BILL), Condition.BAD_REQUEST);
    }

    @Test
    void changingThePasswordOfAnotherAccountIsForbidden() {
        refused(RegisterForm.parse(fields("juliet", "newpass"), DOMAIN, BILL), Condition.FORBIDDEN);
        refused(RegisterForm.parse(fields("bill@globe", "newpass"), DOMAIN, BILL), Condition.FORBIDDEN);
    }

    @Test
    void aNewPasswordOverTheLimitIsNotAcceptable() {
        refused(RegisterForm.parse(fields(null, "p".repeat(1024)), DOMAIN, BILL), Condition.NOT_ACCEPTABLE);
    }

    // --- remove (§3.2) ---

    @Test
    void anAuthenticatedRemoveCancelsTheRegistration() {
        // XEP-0077 Example 11.
        RegisterRequest r = RegisterForm.parse(query("""
            <iq type='set' from='bill@shakespeare.lit/globe' id='unreg1'>
              <query xmlns='jabber:iq:register'>
                <remove/>
              </query>
            </iq>"""), DOMAIN, BILL);
        assertEquals(new Remove(), r);
    }

    @Test
    void aRemoveWithOtherElementsIsABadRequest() {
        Element q = fields("bill", "Calliope").withChild(Element.of("remove", RegisterForm.NS));
        refused(RegisterForm.parse(q, DOMAIN, BILL), Condition.BAD_REQUEST);
    }

    @Test
    void aRemoveBeforeAuthenticationIsAnUnexpectedRequest() {
        Element q = Element.build("query", RegisterForm.NS).child(Element.of("remove", RegisterForm.NS)).get();
        refused(RegisterForm.parse(q, DOMAIN, null), Condition.UNEXPECTED_REQUEST);
    }

    // --- privacy ---

    @Test
    void anErrorReplyToARegistrationCarriesTheErrorButNotThePassword() {
        Iq set = Iq.of(BareJid.parseBare("bill@shakespeare.lit").withResource("globe"), DOMAIN, "change1", Iq.Type.SET,
            fields("bill", "theglobe"));
        StanzaError error = StanzaError.of(Condition.NOT_ALLOWED);
        Iq reply = RegisterForm.errorReply(set, error);
        assertEquals(Iq.Type.ERROR, reply.type());
        assertEquals("change1", reply.id());
        assertEquals(DOMAIN, reply.from());
        assertEquals(set.from(), reply.to());
        assertEquals(List.of(error.toElement()), reply.children());
    }

    @Test
    void noRequestPrintsItsPassword() {
        for (RegisterRequest r : List.of(new Register("bill", "Calliope"), new ChangePassword("bill", "Calliope"))) {
            assertFalse(r.toString().contains("Calliope"), r.toString());
            assertTrue(r.toString().contains("bill"), r.toString());
        }
    }
}
