package chorus.actors.feature.contact;

import chorus.actors.feature.Features;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqResult;
import chorus.actors.feature.disco.DiscoHandler;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContactAddressesTest {
    static final DomainJid DOMAIN = new DomainJid("capulet.lit");

    static ContactAddresses read(String hocon) {
        Config c = ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
        return ContactAddresses.from(c);
    }

    /** The server's disco#info, answered by a DiscoHandler whose server features include these addresses. */
    static Element serverInfo(ContactAddresses addresses) {
        AtomicReference<Features> server = new AtomicReference<>();
        DiscoHandler disco = new DiscoHandler("Chorus", () -> server.get().discoFeatures(), Set::of, List.of(),
            () -> server.get().discoForms());
        server.set(new Features(List.of(disco, new ContactInfo(addresses))));
        Iq ask = Iq.of(BareJid.parseBare("juliet@capulet.lit").withResource("balcony"), DOMAIN, "i1", Iq.Type.GET,
            Element.of("query", DiscoHandler.INFO));
        IqResult.Reply r = (IqResult.Reply) server.get().dispatch(ask, IqContext.server(DOMAIN, Clock.systemUTC()));
        return r.reply().payload().orElseThrow();
    }

    @Test
    void theServersDiscoInfoCarriesTheServerinfoFormWithEachConfiguredKind() {
        Element info = serverInfo(read("""
            chorus.contact.abuse = ["mailto:abuse@capulet.lit", "xmpp:abuse@capulet.lit"]
            chorus.contact.security = "https://capulet.lit/security"
            """));
        List<Element> forms = info.elements("x", DataForm.NS);
        assertEquals(1, forms.size());
        Map<String, List<String>> values = DataForm.values(forms.get(0));
        assertEquals(Map.of("FORM_TYPE", List.of(ContactAddresses.FORM_TYPE),
            "abuse-addresses", List.of("mailto:abuse@capulet.lit", "xmpp:abuse@capulet.lit"),
            "security-addresses", List.of("https://capulet.lit/security")), values);
        assertEquals("result", DataForm.type(forms.get(0)));
        // XEP-0128: the form follows the identity and the features.
        List<Element> children = info.elements();
        assertEquals(forms.get(0), children.get(children.size() - 1));
        assertTrue(children.stream().anyMatch(e -> e.is("identity", DiscoHandler.INFO)));
    }

    @Test
    void withoutAddressesTheServerHasNoForm() {
        assertTrue(read("").isEmpty());
        assertTrue(serverInfo(read("")).elements("x", DataForm.NS).isEmpty());
    }

    @Test
    void anAccountsDiscoInfoHasNoServerForm() {
        ContactAddresses addresses = read("chorus.contact.admin = [\"xmpp:admin@capulet.lit\"]");
        AtomicReference<Features> server = new AtomicReference<>();
        DiscoHandler disco = new DiscoHandler("Chorus", Set::of, Set::of, List.of(), () -> server.get().discoForms());
        server.set(new Features(List.of(disco, new ContactInfo(addresses))));
        BareJid juliet = BareJid.parseBare("juliet@capulet.lit");
        IqResult.Reply r = (IqResult.Reply) disco.handle(Iq.of(juliet.withResource("balcony"), juliet, "i2", Iq.Type.GET,
            Element.of("query", DiscoHandler.INFO)), chorus.actors.feature.Account.EMPTY.context(juliet,
            IqContext.Relation.SELF, Clock.systemUTC()));
        assertTrue(r.reply().payload().orElseThrow().elements("x", DataForm.NS).isEmpty());
    }

    @Test
    void aValueThatIsNotAUriStopsTheStartNamingTheSetting() {
        IllegalArgumentException bare = assertThrows(IllegalArgumentException.class,
            () -> read("chorus.contact.abuse = [\"abuse@capulet.lit\"]"));
        assertTrue(bare.getMessage().startsWith("chorus.contact.abuse: "), bare.getMessage());
        assertTrue(bare.getMessage().contains("mailto:abuse@capulet.lit"), bare.getMessage());
        IllegalArgumentException spaces = assertThrows(IllegalArgumentException.class,
            () -> read("chorus.contact.support = \"https://capulet .lit/help\""));
        assertTrue(spaces.getMessage().startsWith("chorus.contact.support: "), spaces.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
            () -> read("chorus.contact.admin = [\"mailto:\"]"));
        assertTrue(empty.getMessage().startsWith("chorus.contact.admin: "), empty.getMessage());
    }
}
