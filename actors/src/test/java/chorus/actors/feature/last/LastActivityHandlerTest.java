package chorus.actors.feature.last;

import chorus.actors.feature.Account;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqContext.Relation;
import chorus.actors.feature.IqResult;
import chorus.actors.feature.Xml;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LastActivityHandlerTest {
    static final BareJid JULIET = BareJid.parseBare("juliet@capulet.com");
    static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final Instant STARTED = NOW.minus(Duration.ofSeconds(123456));

    final LastActivityHandler handler = new LastActivityHandler(STARTED);

    /** XEP-0012 Example 1: Romeo asks about Juliet's bare JID. */
    static final Iq QUERY = Xml.iq("""
        <iq from='romeo@montague.net/orchard' id='last1' to='juliet@capulet.com' type='get'>
          <query xmlns='jabber:iq:last'/>
        </iq>""");

    Iq reply(Account account, Relation relation) {
        return assertInstanceOf(IqResult.Reply.class, handler.handle(QUERY, account.context(JULIET, relation, CLOCK)))
            .reply();
    }

    @Test
    void aContactLearnsHowLongAgoTheUserWentOffline() {
        Iq reply = reply(Account.EMPTY.withLastSeen(NOW.minusSeconds(903).minusMillis(400)), Relation.CONTACT);
        // XEP-0012 Example 2 (without the status text, which is not kept).
        assertEquals(Xml.parse("""
            <iq from='juliet@capulet.com' id='last1' to='romeo@montague.net/orchard' type='result'>
              <query xmlns='jabber:iq:last' seconds='903'/>
            </iq>"""), reply.toElement("jabber:client"));
    }

    @Test
    void whileAResourceIsOnlineTheAnswerIsZeroSeconds() {
        Iq reply = reply(Account.EMPTY.withLastSeen(NOW.minusSeconds(903)).withOnline(true), Relation.CONTACT);
        assertEquals(Element.build("query", LastActivityHandler.NS).attr("seconds", "0").get(),
            reply.payload().orElseThrow());
    }

    @Test
    void theUserMayAskAboutItself() {
        Iq reply = reply(Account.EMPTY.withLastSeen(NOW.minusSeconds(60)), Relation.SELF);
        assertEquals("60", reply.payload().orElseThrow().attr("seconds"));
    }

    @Test
    void aStrangerIsForbiddenToLearnTheUsersActivity() {
        for (Account a : List.of(Account.EMPTY.withOnline(true), Account.EMPTY.withLastSeen(NOW.minusSeconds(5)),
            Account.EMPTY)) {
            Iq reply = reply(a, Relation.STRANGER);
            assertEquals(Iq.Type.ERROR, reply.type());
            assertEquals(Condition.FORBIDDEN, StanzaError.conditionOf(reply));
        }
    }

    @Test
    void anAccountNeverSeenOfflineHasNoLastActivityToTell() {
        Iq reply = reply(Account.EMPTY, Relation.CONTACT);
        assertEquals(Condition.ITEM_NOT_FOUND, StanzaError.conditionOf(reply));
    }

    @Test
    void aLastSeenTimeAheadOfTheClockCountsAsZeroSeconds() {
        assertEquals("0", reply(Account.EMPTY.withLastSeen(NOW.plusSeconds(3)), Relation.CONTACT)
            .payload().orElseThrow().attr("seconds"));
    }

    @Test
    void theServerAnswersWithItsUptime() {
        // XEP-0012 Examples 10 and 11.
        Iq query = Xml.iq("<iq from='romeo@montague.net/orchard' id='last3' to='capulet.com' type='get'>"
            + "<query xmlns='jabber:iq:last'/></iq>");
        Iq reply = assertInstanceOf(IqResult.Reply.class,
            handler.handle(query, IqContext.server(new DomainJid("capulet.com"), CLOCK))).reply();
        assertEquals(Xml.parse("<iq from='capulet.com' id='last3' to='romeo@montague.net/orchard' type='result'>"
            + "<query xmlns='jabber:iq:last' seconds='123456'/></iq>"), reply.toElement("jabber:client"));
    }

    @Test
    void aSetIsABadRequest() {
        Iq set = Iq.of(JULIET.withResource("balcony"), null, "s", Iq.Type.SET, Element.of("query", LastActivityHandler.NS));
        Iq reply = assertInstanceOf(IqResult.Reply.class,
            handler.handle(set, Account.EMPTY.context(JULIET, Relation.SELF, CLOCK))).reply();
        assertEquals(Condition.BAD_REQUEST, StanzaError.conditionOf(reply));
    }

    @Test
    void onlyTheUserAndItsContactsMayHaveAQueryDeliveredToAResource() {
        assertTrue(LastActivityHandler.authorized(Relation.SELF));
        assertTrue(LastActivityHandler.authorized(Relation.CONTACT));
        assertFalse(LastActivityHandler.authorized(Relation.STRANGER));
    }

    @Test
    void onlyLastActivityRequestsAreOwnedAndTheFeatureIsJabberIqLast() {
        assertTrue(handler.owns(QUERY));
        assertFalse(handler.owns(QUERY.result()));
        assertFalse(handler.owns(Iq.of(null, null, "v", Iq.Type.GET, Element.of("query", "jabber:iq:version"))));
        assertEquals(Set.of("jabber:iq:last"), handler.discoFeatures());
    }
}
