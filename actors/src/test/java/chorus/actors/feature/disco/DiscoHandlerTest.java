package chorus.actors.feature.disco;

import chorus.actors.feature.Account;
import chorus.actors.feature.IqContext.Relation;
import chorus.actors.feature.IqResult;
import chorus.actors.feature.pep.PepConfig;
import chorus.actors.feature.pep.PepEvent;
import chorus.actors.feature.pep.PepHandler;
import chorus.actors.feature.pep.PepItem;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiscoHandlerTest {
    static final BareJid JULIET = BareJid.parseBare("juliet@capulet.lit");
    static final Element TUNE = Element.of("tune", "http://jabber.org/protocol/tune");

    final DiscoHandler disco = new DiscoHandler("Chorus", Set::of,
        () -> new PepHandler(chorus.actors.feature.pep.PepLimits.DEFAULT).discoFeatures());
    final Account account = Account.EMPTY.withPep(List.of(
        new PepEvent.Published("http://jabber.org/protocol/tune", PepConfig.DEFAULT, new PepItem("1", TUNE)),
        new PepEvent.Published("urn:xmpp:bookmarks:1", new PepConfig(PepConfig.WHITELIST, 10, "never"),
            new PepItem("room@conference.capulet.lit", Element.of("conference", "urn:xmpp:bookmarks:1")))));

    Element ask(String ns, String node, Relation relation) {
        Iq iq = Iq.of(JULIET.withResource("balcony"), JULIET, "d", Iq.Type.GET,
            Element.build("query", ns).attr("node", node).get());
        IqResult.Reply r = (IqResult.Reply) disco.handle(iq, account.context(JULIET, relation, Clock.systemUTC()));
        if (r.reply().type() == Iq.Type.ERROR) {
            return Element.of(StanzaError.conditionOf(r.reply()).xml(), "error");
        }
        return r.reply().payload().orElseThrow();
    }

    @Test
    void anAccountWithPepHasThePepIdentityAndItsFeatures() {
        Element info = ask(DiscoHandler.INFO, null, Relation.SELF);
        assertTrue(info.elements("identity", DiscoHandler.INFO).stream()
            .anyMatch(i -> "pubsub".equals(i.attr("category")) && "pep".equals(i.attr("type"))));
        for (String f : List.of("", "#publish", "#auto-create", "#auto-subscribe", "#filtered-notifications")) {
            assertTrue(info.elements("feature", DiscoHandler.INFO).stream()
                .anyMatch(e -> (PepHandler.NS + f).equals(e.attr("var"))), f);
        }
    }

    @Test
    void theOwnerSeesEveryNodeAndAContactNotTheWhitelistOnes() {
        assertEquals(2, ask(DiscoHandler.ITEMS, null, Relation.SELF).elements().size());
        List<Element> contact = ask(DiscoHandler.ITEMS, null, Relation.CONTACT).elements();
        assertEquals(1, contact.size());
        assertEquals("http://jabber.org/protocol/tune", contact.get(0).attr("node"));
        assertEquals("juliet@capulet.lit", contact.get(0).attr("jid"));
        assertEquals("item-not-found", ask(DiscoHandler.INFO, "urn:xmpp:bookmarks:1", Relation.CONTACT).name());
        assertEquals("service-unavailable", ask(DiscoHandler.ITEMS, null, Relation.STRANGER).name());
    }

    @Test
    void aNodeIsALeaf() {
        Element info = ask(DiscoHandler.INFO, "http://jabber.org/protocol/tune", Relation.CONTACT);
        assertEquals("leaf", info.child("identity", DiscoHandler.INFO).orElseThrow().attr("type"));
        assertEquals("item-not-found", ask(DiscoHandler.INFO, "nowhere", Relation.SELF).name());
    }

    Element askServer(String node) {
        Iq iq = Iq.of(JULIET.withResource("balcony"), new chorus.actors.xmpp.DomainJid("capulet.lit"), "s", Iq.Type.GET,
            Element.build("query", DiscoHandler.INFO).attr("node", node).get());
        IqResult.Reply r = (IqResult.Reply) server.handle(iq,
            chorus.actors.feature.IqContext.server(new chorus.actors.xmpp.DomainJid("capulet.lit"), Clock.systemUTC()));
        return r.reply().type() == Iq.Type.ERROR ? Element.of(StanzaError.conditionOf(r.reply()).xml(), "error")
            : r.reply().payload().orElseThrow();
    }

    final DiscoHandler server = new DiscoHandler("Chorus", () -> Set.of("urn:xmpp:ping", "jabber:iq:version"), Set::of);

    @Test
    void theServersCapsHashItsDiscoInfoAndItsNodeAnswersAsTheServer() {
        Element caps = server.serverCaps();
        assertEquals("sha-1", caps.attr("hash"));
        assertEquals(DiscoHandler.CAPS_NODE, caps.attr("node"));
        Element info = askServer(null);
        assertEquals(chorus.actors.caps.CapsVerifier.ver(info, "sha-1").orElseThrow(), caps.attr("ver"));
        Element byNode = askServer(DiscoHandler.CAPS_NODE + "#" + caps.attr("ver"));
        assertEquals(DiscoHandler.CAPS_NODE + "#" + caps.attr("ver"), byNode.attr("node"));
        assertEquals(info.elements().size(), byNode.elements().size());
        assertEquals("item-not-found", askServer(DiscoHandler.CAPS_NODE + "#another").name());
    }

    @Test
    void theServerShowsThePepIdentityAndPubsubFeaturesOfItsAccountsAndNothingElseOfThem() {
        DiscoHandler withPep = new DiscoHandler("Chorus", () -> Set.of("urn:xmpp:ping"),
            () -> plus(new PepHandler(chorus.actors.feature.pep.PepLimits.DEFAULT).discoFeatures(), "urn:xmpp:mam:2"));
        Iq iq = Iq.of(JULIET.withResource("balcony"), new chorus.actors.xmpp.DomainJid("capulet.lit"), "s", Iq.Type.GET,
            Element.of("query", DiscoHandler.INFO));
        Element info = ((IqResult.Reply) withPep.handle(iq, chorus.actors.feature.IqContext.server(
            new chorus.actors.xmpp.DomainJid("capulet.lit"), Clock.systemUTC()))).reply().payload().orElseThrow();
        assertTrue(info.elements("identity", DiscoHandler.INFO).stream()
            .anyMatch(i -> "pubsub".equals(i.attr("category")) && "pep".equals(i.attr("type"))));
        Set<String> vars = new java.util.TreeSet<>();
        info.elements("feature", DiscoHandler.INFO).forEach(f -> vars.add(f.attr("var")));
        // What Smack's OMEMO (pubsub) and OpenPGP secret key backup (access-whitelist) look for on the server.
        assertTrue(vars.containsAll(List.of(PepHandler.NS, PepHandler.NS + "#access-whitelist",
            PepHandler.NS + "#publish-options", "urn:xmpp:ping")), vars.toString());
        assertTrue(!vars.contains("urn:xmpp:mam:2"), vars.toString());
        // Without PEP at the accounts the server shows none of it.
        assertTrue(askServer(null).elements("identity", DiscoHandler.INFO).stream()
            .noneMatch(i -> "pubsub".equals(i.attr("category"))));
    }

    static Set<String> plus(Set<String> s, String more) {
        Set<String> out = new java.util.TreeSet<>(s);
        out.add(more);
        return out;
    }
}
