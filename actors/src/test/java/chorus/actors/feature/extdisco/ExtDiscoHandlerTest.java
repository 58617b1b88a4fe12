package chorus.actors.feature.extdisco;

import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqResult;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.StanzaError;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtDiscoHandlerTest {
    static final String SECRET = "north-wind-secret-0123";
    static final DomainJid DOMAIN = new DomainJid("capulet.lit");
    static final Instant NOW = Instant.parse("2026-12-06T13:30:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static ExtDiscoSettings read(String hocon) {
        return ExtDiscoSettings.from(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference())
            .resolve());
    }

    static final ExtDiscoSettings SETTINGS = read("""
        chorus.extdisco.services = [
          { type = stun, host = "stun.capulet.lit" }
          { type = turn, host = "turn.capulet.lit", name = "Relay", secret = "%s" }
          { type = turns, host = "turn.capulet.lit", secret = "%s" }
        ]
        chorus.extdisco.credential-lifetime = 2h
        """.formatted(SECRET, SECRET));
    final ExtDiscoHandler handler = new ExtDiscoHandler(SETTINGS);

    Iq ask(String from, Element payload, Iq.Type type) {
        Iq iq = Iq.of(from == null ? null : Jid.parse(from), DOMAIN, "e1", type, payload);
        assertTrue(handler.owns(iq));
        return ((IqResult.Reply) handler.handle(iq, IqContext.server(DOMAIN, CLOCK))).reply();
    }

    Iq ask(String from, Element payload) {
        return ask(from, payload, Iq.Type.GET);
    }

    static Element services(String type) {
        return Element.build("services", ExtDiscoHandler.NS).attr("type", type).get();
    }

    static Element credentials(String host, String type, String port) {
        return Element.build("credentials", ExtDiscoHandler.NS).child(Element.build("service", ExtDiscoHandler.NS)
            .attr("host", host).attr("type", type).attr("port", port).get()).get();
    }

    @Test
    void aLocalUserGetsEveryServiceWithFreshTurnCredentials() {
        List<Element> list = ask("juliet@capulet.lit/balcony", services(null)).payload().orElseThrow()
            .elements("service", ExtDiscoHandler.NS);
        assertEquals(3, list.size());
        Element stun = list.get(0);
        assertEquals(List.of("stun", "stun.capulet.lit", "3478", "udp"),
            List.of(stun.attr("type"), stun.attr("host"), stun.attr("port"), stun.attr("transport")));
        assertNull(stun.attr("username"));
        assertNull(stun.attr("restricted"));
        Element turn = list.get(1);
        assertEquals("Relay", turn.attr("name"));
        assertEquals("1", turn.attr("restricted"));
        Instant expires = NOW.plus(Duration.ofHours(2));
        assertEquals(expires.toString(), turn.attr("expires"));
        TurnSecret secret = new TurnSecret(SECRET);
        String username = expires.getEpochSecond() + ":" + secret.pseudonym("juliet@capulet.lit");
        assertEquals(username, turn.attr("username"));
        assertEquals(secret.password(username), turn.attr("password"));
        assertEquals(List.of("turns", "5349", "tcp"),
            List.of(list.get(2).attr("type"), list.get(2).attr("port"), list.get(2).attr("transport")));
    }

    @Test
    void aTypeAsksOnlyForThatKindOfService() {
        List<Element> list = ask("juliet@capulet.lit/balcony", services("stun")).payload().orElseThrow()
            .elements("service", ExtDiscoHandler.NS);
        assertEquals(List.of("stun.capulet.lit"), list.stream().map(e -> e.attr("host")).toList());
        assertTrue(ask("juliet@capulet.lit/balcony", services("ftp")).payload().orElseThrow().elements().isEmpty());
    }

    @Test
    void credentialsAreAnsweredForTheNamedServer() {
        Element answer = ask("juliet@capulet.lit/balcony", credentials("turn.capulet.lit", "turns", null))
            .payload().orElseThrow();
        assertEquals("credentials", answer.name());
        List<Element> one = answer.elements("service", ExtDiscoHandler.NS);
        assertEquals(1, one.size());
        assertEquals("5349", one.get(0).attr("port"));
        assertTrue(one.get(0).attr("username").startsWith(NOW.plus(Duration.ofHours(2)).getEpochSecond() + ":"));
        assertEquals(StanzaError.Condition.ITEM_NOT_FOUND, StanzaError.conditionOf(
            ask("juliet@capulet.lit/balcony", credentials("turn.capulet.lit", "turn", "9999"))));
        assertEquals(StanzaError.Condition.ITEM_NOT_FOUND, StanzaError.conditionOf(
            ask("juliet@capulet.lit/balcony", credentials("relay.montague.lit", "turn", null))));
        assertEquals(StanzaError.Condition.BAD_REQUEST, StanzaError.conditionOf(ask("juliet@capulet.lit/balcony",
            Element.of("credentials", ExtDiscoHandler.NS))));
    }

    @Test
    void anyoneButTheServersOwnUsersIsForbidden() {
        for (String stranger : new String[] {"romeo@montague.lit/garden", "montague.lit", "capulet.lit"}) {
            Iq reply = ask(stranger, services(null));
            assertEquals(StanzaError.Condition.FORBIDDEN, StanzaError.conditionOf(reply), stranger);
            assertFalse(reply.toString().contains("username"));
        }
        assertEquals(StanzaError.Condition.FORBIDDEN, StanzaError.conditionOf(
            ask("romeo@montague.lit/garden", credentials("turn.capulet.lit", "turn", null))));
        assertEquals(StanzaError.Condition.BAD_REQUEST,
            StanzaError.conditionOf(ask("juliet@capulet.lit/balcony", services(null), Iq.Type.SET)));
    }

    @Test
    void theFeatureIsAdvertisedOnlyWhenServicesAreConfigured() {
        assertEquals(Set.of(ExtDiscoHandler.NS), handler.discoFeatures());
        ExtDiscoHandler none = new ExtDiscoHandler(read(""));
        assertTrue(none.discoFeatures().isEmpty());
        assertFalse(none.owns(Iq.of(Jid.parse("juliet@capulet.lit/balcony"), DOMAIN, "e", Iq.Type.GET, services(null))));
    }

    @Test
    void theSecretIsInNoPrintedSetting() {
        assertFalse(SETTINGS.toString().contains(SECRET), SETTINGS.toString());
        assertTrue(SETTINGS.toString().contains("secret hidden"), SETTINGS.toString());
    }

    @Test
    void aBadServiceStopsTheStartNamingTheSetting() {
        String[][] cases = {
            {"{ type = ftp, host = \"a.lit\" }", "chorus.extdisco.services.0.type"},
            {"{ type = turn, host = \"not a host\" }", "chorus.extdisco.services.0.host"},
            {"{ type = turn, host = \"a.lit\", port = 0 }", "chorus.extdisco.services.0.port"},
            {"{ type = turn, host = \"a.lit\", transport = sctp }", "chorus.extdisco.services.0.transport"},
            {"{ type = turn, host = \"a.lit\", secret = short }", "chorus.extdisco.services.0.secret"},
            {"{ type = stun, host = \"a.lit\", secret = \"%s\" }".formatted(SECRET), "chorus.extdisco.services.0.secret"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read("chorus.extdisco.services = [" + c[0] + "]"), c[0]);
            assertTrue(e.getMessage().startsWith(c[1] + ":"), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET));
        }
        IllegalArgumentException lifetime = assertThrows(IllegalArgumentException.class,
            () -> read("chorus.extdisco.credential-lifetime = 10s"));
        assertTrue(lifetime.getMessage().startsWith("chorus.extdisco.credential-lifetime:"), lifetime.getMessage());
    }
}
