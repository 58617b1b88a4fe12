package chorus.actors.feature.blocking;

import chorus.actors.feature.Account;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqContext.Relation;
import chorus.actors.feature.IqResult;
import chorus.actors.feature.Xml;
import chorus.actors.feature.blocking.BlockingHandler.Outcome;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockingHandlerTest {
    static final BareJid JULIET = BareJid.parseBare("juliet@capulet.com");
    static final FullJid CHAMBER = JULIET.withResource("chamber");
    static final Jid ROMEO = Jid.parse("romeo@montague.net");
    static final Jid IAGO = Jid.parse("iago@shakespeare.lit");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC);
    static final Account LISTED = Account.EMPTY.withBlocklist(List.of(ROMEO, IAGO));

    final BlockingHandler handler = new BlockingHandler();

    /** XEP-0191 Example 3: the client asks for its block list, with no 'to'. */
    static Iq blocklistGet() {
        return Xml.iq("<iq type='get' id='blocklist1' from='juliet@capulet.com/chamber'>"
            + "<blocklist xmlns='urn:xmpp:blocking'/></iq>");
    }

    /** XEP-0191 Example 6: block romeo. */
    static Iq blockRomeo() {
        return Xml.iq("""
            <iq from='juliet@capulet.com/chamber' type='set' id='block1'>
              <block xmlns='urn:xmpp:blocking'>
                <item jid='romeo@montague.net'/>
              </block>
            </iq>""");
    }

    static Iq set(String command, String... jids) {
        Element.Builder b = Element.build(command, BlockingHandler.NS);
        for (String j : jids) {
            b.child(Element.build("item", BlockingHandler.NS).attr("jid", j).get());
        }
        return Iq.of(CHAMBER, null, "s1", Iq.Type.SET, b.get());
    }

    Outcome decide(BlockingHandler h, Iq iq, Account account, Relation relation) {
        return h.decide(iq, account.context(JULIET, relation, CLOCK));
    }

    Outcome decide(Iq iq, Account account) {
        return decide(handler, iq, account, Relation.SELF);
    }

    static void assertRefused(Condition condition, Outcome o) {
        assertEquals(Iq.Type.ERROR, o.reply().type());
        assertEquals(condition, StanzaError.conditionOf(o.reply()));
        assertEquals(Optional.empty(), o.event());
        assertEquals(Optional.empty(), o.push());
        assertFalse(o.fetched());
    }

    // --- get (§3.2) ---

    @Test
    void theUserGetsItsBlockListAndFromThenOnGetsPushes() {
        Outcome o = decide(blocklistGet(), LISTED);
        Element expected = Xml.parse("""
            <blocklist xmlns='urn:xmpp:blocking'>
              <item jid='romeo@montague.net'/>
              <item jid='iago@shakespeare.lit'/>
            </blocklist>""");
        assertEquals(Iq.Type.RESULT, o.reply().type());
        assertEquals("blocklist1", o.reply().id());
        assertEquals(expected, o.reply().payload().orElseThrow());
        assertTrue(o.fetched());
        assertEquals(Optional.empty(), o.event());
        assertEquals(Optional.empty(), o.push());
    }

    @Test
    void anEmptyBlockListIsAnEmptyBlocklistElement() {
        Outcome o = decide(blocklistGet(), Account.EMPTY);
        assertEquals(Element.of("blocklist", BlockingHandler.NS), o.reply().payload().orElseThrow());
        assertTrue(o.fetched());
    }

    // --- block (§3.3) ---

    @Test
    void blockingStoresTheNewListRepliesAndPushesTheBlockedItem() {
        Outcome o = decide(blockRomeo(), Account.EMPTY.withBlocklist(List.of(IAGO)));
        assertEquals(Iq.Type.RESULT, o.reply().type());
        assertEquals("block1", o.reply().id());
        assertEquals(List.of(), o.reply().children());
        assertEquals(Optional.of(new BlocklistChanged(List.of(IAGO, ROMEO))), o.event());
        assertEquals(List.of(ROMEO), o.newlyBlocked());
        assertEquals(List.of(), o.unblocked());
        assertFalse(o.fetched());
        // XEP-0191 Example 8: the push to each resource that fetched the list.
        Iq push = o.pushTo(JULIET.withResource("balcony"), "push2").orElseThrow();
        assertEquals(Xml.parse("""
            <iq to='juliet@capulet.com/balcony' type='set' id='push2'>
              <block xmlns='urn:xmpp:blocking'>
                <item jid='romeo@montague.net'/>
              </block>
            </iq>"""), push.toElement("jabber:client"));
    }

    @Test
    void blockingSeveralAddressesAtOnceAddsThoseNotYetBlockedOnce() {
        Outcome o = decide(set("block", "romeo@montague.net", "tybalt@capulet.com", "Tybalt@capulet.com",
            "montague.net"), Account.EMPTY.withBlocklist(List.of(ROMEO)));
        List<Jid> added = List.of(Jid.parse("tybalt@capulet.com"), Jid.parse("montague.net"));
        assertEquals(added, o.newlyBlocked());
        assertEquals(List.of(ROMEO, added.get(0), added.get(1)), o.event().orElseThrow().blocked());
        assertEquals(List.of("tybalt@capulet.com", "montague.net"),
            o.push().orElseThrow().elements("item", BlockingHandler.NS).stream().map(i -> i.attr("jid")).toList());
    }

    @Test
    void blockingWhatIsAlreadyBlockedChangesNothingAndPushesNothing() {
        Outcome o = decide(blockRomeo(), LISTED);
        assertEquals(Iq.Type.RESULT, o.reply().type());
        assertEquals(Optional.empty(), o.event());
        assertEquals(Optional.empty(), o.push());
        assertEquals(Optional.empty(), o.pushTo(CHAMBER, "p"));
    }

    @Test
    void aBlockWithoutAnyItemIsABadRequest() {
        assertRefused(Condition.BAD_REQUEST, decide(set("block"), Account.EMPTY));
    }

    @Test
    void anItemWithoutAJidIsABadRequest() {
        Iq iq = Iq.of(CHAMBER, null, "b", Iq.Type.SET, Element.build("block", BlockingHandler.NS)
            .child(Element.of("item", BlockingHandler.NS)).get());
        assertRefused(Condition.BAD_REQUEST, decide(iq, Account.EMPTY));
    }

    @Test
    void aMalformedAddressIsJidMalformedForBlockAndUnblock() {
        assertRefused(Condition.JID_MALFORMED, decide(set("block", "romeo@@montague.net"), Account.EMPTY));
        assertRefused(Condition.JID_MALFORMED, decide(set("unblock", "@montague.net"), LISTED));
    }

    @Test
    void theUserCannotBlockItselfItsResourcesOrItsOwnServer() {
        for (String self : List.of("juliet@capulet.com", "juliet@capulet.com/balcony", "Juliet@Capulet.com",
            "capulet.com")) {
            assertRefused(Condition.NOT_ACCEPTABLE, decide(set("block", "romeo@montague.net", self), Account.EMPTY));
        }
        // Other users and services of the same server may be blocked.
        assertTrue(decide(set("block", "nurse@capulet.com", "capulet.com/gate"), Account.EMPTY).event().isPresent());
    }

    @Test
    void aBlockBeyondTheListLimitIsRefusedAsAQuotaAndNamesTheLimit() {
        BlockingHandler two = new BlockingHandler(2);
        Outcome o = decide(two, set("block", "tybalt@capulet.com"), LISTED, Relation.SELF);
        assertRefused(Condition.RESOURCE_CONSTRAINT, o);
        Element error = o.reply().child("error", "jabber:client").orElseThrow();
        assertEquals("cancel", error.attr("type"));
        assertTrue(error.childText("text", "urn:ietf:params:xml:ns:xmpp-stanzas").orElseThrow().contains("2"));
        // Blocking what is already there does not grow the list.
        assertEquals(Iq.Type.RESULT, decide(two, blockRomeo(), LISTED, Relation.SELF).reply().type());
    }

    // --- unblock (§3.4) and unblock all (§3.5) ---

    @Test
    void unblockingRemovesTheGivenItemsAndPushesThem() {
        Outcome o = decide(Xml.iq("""
            <iq type='set' id='unblock1' from='juliet@capulet.com/chamber'>
              <unblock xmlns='urn:xmpp:blocking'>
                <item jid='romeo@montague.net'/>
              </unblock>
            </iq>"""), LISTED);
        assertEquals(Iq.Type.RESULT, o.reply().type());
        assertEquals(Optional.of(new BlocklistChanged(List.of(IAGO))), o.event());
        assertEquals(List.of(ROMEO), o.unblocked());
        assertEquals(Xml.parse("""
            <unblock xmlns='urn:xmpp:blocking'>
              <item jid='romeo@montague.net'/>
            </unblock>"""), o.push().orElseThrow());
    }

    @Test
    void unblockingAnAddressThatIsNotBlockedChangesNothing() {
        Outcome o = decide(set("unblock", "tybalt@capulet.com"), LISTED);
        assertEquals(Iq.Type.RESULT, o.reply().type());
        assertEquals(Optional.empty(), o.event());
        assertEquals(Optional.empty(), o.push());
    }

    @Test
    void anEmptyUnblockRemovesEverythingAndPushesAnEmptyUnblock() {
        Outcome o = decide(Xml.iq("<iq type='set' id='unblock2' from='juliet@capulet.com/chamber'>"
            + "<unblock xmlns='urn:xmpp:blocking'/></iq>"), LISTED);
        assertEquals(Optional.of(new BlocklistChanged(List.of())), o.event());
        assertEquals(List.of(ROMEO, IAGO), o.unblocked());
        // XEP-0191 Example 15.
        assertEquals(Xml.parse("<iq to='juliet@capulet.com/chamber' type='set' id='push5'>"
                + "<unblock xmlns='urn:xmpp:blocking'/></iq>"),
            o.pushTo(CHAMBER, "push5").orElseThrow().toElement("jabber:client"));
    }

    @Test
    void unblockingAllOfAnEmptyListChangesNothing() {
        Outcome o = decide(set("unblock"), Account.EMPTY);
        assertEquals(Iq.Type.RESULT, o.reply().type());
        assertEquals(Optional.empty(), o.event());
    }

    // --- presence to hide and reveal ---

    @Test
    void blockingHidesTheUserFromNewlyBlockedSubscribersOnly() {
        Jid benvolio = Jid.parse("benvolio@montague.net");
        Jid nurse = Jid.parse("nurse@capulet.com");
        Outcome o = decide(set("block", "montague.net"), Account.EMPTY.withBlocklist(List.of(ROMEO)));
        // Romeo was hidden already; the nurse is not at montague.net.
        assertEquals(List.of(benvolio), o.presenceToHide(List.of(ROMEO, benvolio, nurse)));
        assertEquals(List.of(), o.presenceToReveal(List.of(ROMEO, benvolio, nurse)));
    }

    @Test
    void blockingOneResourceOfASubscriberHidesTheUserFromThatResource() {
        Outcome o = decide(set("block", "romeo@montague.net/orchard", "mercutio@verona.lit/square"), Account.EMPTY);
        assertEquals(List.of(Jid.parse("romeo@montague.net/orchard")), o.presenceToHide(List.of(ROMEO)));
    }

    @Test
    void unblockingRevealsTheUserToSubscribersNoLongerBlocked() {
        Jid benvolio = Jid.parse("benvolio@montague.net");
        Account account = Account.EMPTY.withBlocklist(List.of(Jid.parse("montague.net"), ROMEO));
        Outcome o = decide(set("unblock", "montague.net"), account);
        // Romeo stays blocked by his own entry.
        assertEquals(List.of(benvolio), o.presenceToReveal(List.of(ROMEO, benvolio)));
        assertEquals(List.of(), o.presenceToHide(List.of(ROMEO, benvolio)));
        Outcome all = decide(set("unblock"), account);
        assertEquals(List.of(ROMEO, benvolio), all.presenceToReveal(List.of(ROMEO, benvolio)));
    }

    @Test
    void aGetHidesAndRevealsNothing() {
        Outcome o = decide(blocklistGet(), LISTED);
        assertEquals(List.of(), o.presenceToHide(List.of(ROMEO, IAGO)));
        assertEquals(List.of(), o.presenceToReveal(List.of(ROMEO, IAGO)));
    }

    // --- who may ---

    @Test
    void aContactGetsForbiddenAndAStrangerServiceUnavailable() {
        Iq fromRomeo = blocklistGet().withFromTo(Jid.parse("romeo@montague.net/orchard"), JULIET);
        assertRefused(Condition.FORBIDDEN, decide(handler, fromRomeo, LISTED, Relation.CONTACT));
        assertRefused(Condition.SERVICE_UNAVAILABLE, decide(handler, fromRomeo, LISTED, Relation.STRANGER));
        Iq unblock = set("unblock").withFromTo(Jid.parse("romeo@montague.net/orchard"), JULIET);
        assertRefused(Condition.FORBIDDEN, decide(handler, unblock, LISTED, Relation.CONTACT));
    }

    @Test
    void theServerItselfHasNoBlockList() {
        IqContext server = IqContext.server(new DomainJid("capulet.com"), CLOCK);
        assertRefused(Condition.SERVICE_UNAVAILABLE, handler.decide(blocklistGet().withTo(new DomainJid("capulet.com")), server));
    }

    @Test
    void theListIsReadWithAGetAndChangedWithASet() {
        assertRefused(Condition.BAD_REQUEST,
            decide(Iq.of(CHAMBER, null, "x", Iq.Type.SET, Element.of("blocklist", BlockingHandler.NS)), LISTED));
        Iq blockGet = Iq.of(CHAMBER, null, "y", Iq.Type.GET, blockRomeo().payload().orElseThrow());
        assertRefused(Condition.BAD_REQUEST, decide(blockGet, Account.EMPTY));
    }

    // --- the IqHandler side ---

    @Test
    void handleGivesTheReplyAndTheEventForTheDispatcher() {
        IqContext ctx = Account.EMPTY.context(JULIET, Relation.SELF, CLOCK);
        IqResult.PersistThenReply p = assertInstanceOf(IqResult.PersistThenReply.class, handler.handle(blockRomeo(), ctx));
        assertEquals(List.of(new BlocklistChanged(List.of(ROMEO))), p.events());
        assertEquals(Iq.Type.RESULT, p.reply().type());
        assertInstanceOf(IqResult.Reply.class, handler.handle(blocklistGet(), ctx));
    }

    @Test
    void onlyBlockingRequestsAreOwnedAndTheFeatureIsUrnXmppBlocking() {
        assertTrue(handler.owns(blocklistGet()));
        assertTrue(handler.owns(blockRomeo()));
        assertTrue(handler.owns(set("unblock")));
        assertFalse(handler.owns(blocklistGet().result()));
        assertFalse(handler.owns(Iq.of(CHAMBER, null, "x", Iq.Type.GET, Element.of("query", BlockingHandler.NS))));
        assertFalse(handler.owns(Iq.of(CHAMBER, null, "x", Iq.Type.GET, Element.of("blocklist", "urn:other"))));
        assertEquals(Set.of("urn:xmpp:blocking"), handler.discoFeatures());
    }

    @Test
    void anOutcomeAndAnEventPrintNoAddresses() {
        Outcome o = decide(blockRomeo(), Account.EMPTY);
        assertFalse(o.toString().contains("romeo"), o.toString());
        assertFalse(o.event().orElseThrow().toString().contains("romeo"));
    }
}
