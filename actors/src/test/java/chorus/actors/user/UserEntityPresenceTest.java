package chorus.actors.user;

import chorus.actors.feature.last.LastActivityFeature;
import chorus.actors.feature.last.LastActivityHandler;
import chorus.actors.feature.last.WentOffline;
import chorus.actors.feature.roster.RosterXml;
import chorus.actors.feature.roster.Subscription;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link UserEntity}'s presence and roster (RFC 6121 §2-4): broadcasts, probes, subscriptions, the roster pushed and
 * kept, and a resource's presence when its session dies or binds again.
 */
class UserEntityPresenceTest extends UserEntityFixture {
    static final ActorTestKit testKit = newTestKit();

    UserEntityPresenceTest() {
        super(testKit, new LastActivityFeature(new LastActivityHandler(NOW)));
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void initialPresenceWithNonNegativePriorityAsksTheMailboxForWaitingMessages() {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = bind("balcony", s);
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, null, null, Presence.Type.AVAILABLE, null, List.of())));
        MailboxEntity.DeliverTo d = mailbox.expectMessageClass(MailboxEntity.DeliverTo.class);
        assertEquals(me, d.to());
        assertEquals(s.getRef(), d.session());
    }

    @Test
    void theLastPresenceOfASessionStillCountsWhenItsDeathNoticeOvertookIt() throws InterruptedException {
        TestProbe<SessionMessage> leaving = testKit.createTestProbe();
        TestProbe<SessionMessage> staying = testKit.createTestProbe();
        FullJid balcony = bind("balcony", leaving);
        FullJid chamber = bind("chamber", staying);
        juliet.runCommand(new UserEntity.FromClient(new Presence(balcony, null, null, Presence.Type.AVAILABLE, null, List.of())));
        juliet.runCommand(new UserEntity.FromClient(new Presence(chamber, null, null, Presence.Type.AVAILABLE, null, List.of())));
        staying.receiveSeveralMessages(2, Duration.ofSeconds(3));
        // The session stops; its death notice reaches the entity before its last presence and Unbind.
        leaving.stop();
        Thread.sleep(200);
        juliet.runCommand(new UserEntity.FromClient(new Presence(balcony, null, null, Presence.Type.UNAVAILABLE, null,
            List.of(Element.build("status", Ns.CLIENT).text("gone to bed").get()))));
        juliet.runCommand(new UserEntity.Unbind("balcony", leaving.getRef()));
        SessionMessage.Deliver d = staying.expectMessageClass(SessionMessage.Deliver.class, Duration.ofSeconds(3));
        Presence p = (Presence) d.stanza();
        assertEquals(Presence.Type.UNAVAILABLE, p.type());
        assertEquals(balcony, p.from());
        assertEquals("gone to bed", p.child("status", Ns.CLIENT).map(Element::text).orElse(null),
            "the unavailable presence the other resource gets is the session's own, with its status");
        staying.expectNoMessage(Duration.ofMillis(1500));
    }

    @Test
    void theLastResourceSayingUnavailableIsTheLogoutLastActivityKeeps() {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        TestProbe<SessionMessage> other = testKit.createTestProbe();
        FullJid balcony = bind("balcony", s);
        FullJid chamber = bind("chamber", other);
        juliet.runCommand(new UserEntity.FromClient(new Presence(balcony, null, null, Presence.Type.AVAILABLE, null, List.of())));
        juliet.runCommand(new UserEntity.FromClient(new Presence(chamber, null, null, Presence.Type.AVAILABLE, null, List.of())));
        // One of two goes: the account is still online.
        var first = juliet.runCommand(new UserEntity.FromClient(new Presence(balcony, null, null,
            Presence.Type.UNAVAILABLE, null, List.of())));
        assertTrue(first.events().stream().noneMatch(e -> e instanceof WentOffline), first.events().toString());
        // The last one says goodbye before its stream ends (as Smack does): XEP-0012 §3's logout time is now.
        var last = juliet.runCommand(new UserEntity.FromClient(new Presence(chamber, null, null,
            Presence.Type.UNAVAILABLE, null, List.of())));
        assertEquals(1, last.events().stream().filter(e -> e instanceof WentOffline).count(), last.events().toString());
    }

    @Test
    void aSessionThatDiesWithoutLastWordsEndsAfterTheGrace() {
        TestProbe<SessionMessage> dying = testKit.createTestProbe();
        TestProbe<SessionMessage> staying = testKit.createTestProbe();
        FullJid balcony = bind("balcony", dying);
        FullJid chamber = bind("chamber", staying);
        juliet.runCommand(new UserEntity.FromClient(new Presence(balcony, null, null, Presence.Type.AVAILABLE, null, List.of())));
        juliet.runCommand(new UserEntity.FromClient(new Presence(chamber, null, null, Presence.Type.AVAILABLE, null, List.of())));
        staying.receiveSeveralMessages(2, Duration.ofSeconds(3));
        dying.stop();
        SessionMessage.Deliver d = staying.expectMessageClass(SessionMessage.Deliver.class, Duration.ofSeconds(5));
        assertEquals(Presence.Type.UNAVAILABLE, ((Presence) d.stanza()).type());
        assertEquals(balcony, d.stanza().from());
    }

    @Test
    void aRosterSetIsPushedToInterestedResourcesAndSurvivesARestart() {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = bind("balcony", s);
        juliet.runCommand(new UserEntity.FromClient(rosterGet(me)));
        Iq result = (Iq) s.expectMessageClass(SessionMessage.Deliver.class).stanza();
        assertEquals(Iq.Type.RESULT, result.type());

        Element item = Element.build("item", RosterXml.NS).attr("jid", ROMEO.toString()).attr("name", "Romeo").get();
        Iq set = Iq.of(me, null, "set1", Iq.Type.SET, Element.build("query", RosterXml.NS).child(item).get());
        juliet.runCommand(new UserEntity.FromClient(set));
        Iq push = (Iq) s.expectMessageClass(SessionMessage.Deliver.class).stanza();
        assertEquals(Iq.Type.SET, push.type());
        assertEquals(ROMEO.toString(), push.payload().orElseThrow().elements().get(0).attr("jid"));
        Iq reply = (Iq) s.expectMessageClass(SessionMessage.Deliver.class).stanza();
        assertEquals("set1", reply.id());
        assertEquals(Iq.Type.RESULT, reply.type());

        AccountState after = juliet.restart().state();
        assertEquals("Romeo", after.roster().get(ROMEO).orElseThrow().name());
    }

    @Test
    void subscribingStoresAPendingOutItemAndSendsTheRequestFromTheBareJid() throws InterruptedException {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = bind("balcony", s);
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, ROMEO, null, Presence.Type.SUBSCRIBE, null, List.of())));
        Presence sent = (Presence) routed.poll(1, TimeUnit.SECONDS);
        assertEquals(JULIET, sent.from());
        assertEquals(ROMEO, sent.to());
        assertEquals(Presence.Type.SUBSCRIBE, sent.type());
        assertTrue(juliet.getState().roster().get(ROMEO).orElseThrow().askOut());
    }

    @Test
    void anApprovedContactGetsPresenceBroadcastsAndTheInitialPresenceProbesIt() throws InterruptedException {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = bind("balcony", s);
        // Romeo asks, Juliet approves; Juliet asks, Romeo approves: both directions.
        juliet.runCommand(new UserEntity.Deliver(Presence.of(ROMEO, JULIET, Presence.Type.SUBSCRIBE)));
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, ROMEO, null, Presence.Type.SUBSCRIBED, null, List.of())));
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, ROMEO, null, Presence.Type.SUBSCRIBE, null, List.of())));
        juliet.runCommand(new UserEntity.Deliver(Presence.of(ROMEO, JULIET, Presence.Type.SUBSCRIBED)));
        assertEquals(Subscription.BOTH, juliet.getState().roster().get(ROMEO).orElseThrow().subscription());
        routed.clear();

        juliet.runCommand(new UserEntity.FromClient(new Presence(me, null, null, Presence.Type.AVAILABLE, null, List.of())));
        Presence probe = (Presence) routed.poll(1, TimeUnit.SECONDS);
        assertEquals(Presence.Type.PROBE, probe.type());
        assertEquals(ROMEO, probe.to());
        Presence broadcast = (Presence) routed.poll(1, TimeUnit.SECONDS);
        assertEquals(Presence.Type.AVAILABLE, broadcast.type());
        assertEquals(me, broadcast.from());
        assertEquals(ROMEO, broadcast.to());
    }

    @Test
    void aProbeFromANonSubscriberIsAnsweredWithUnsubscribedAndRevealsNothing() throws InterruptedException {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        available("balcony", s, 0);
        routed.clear();
        juliet.runCommand(new UserEntity.Deliver(Presence.of(ROMEO, JULIET, Presence.Type.PROBE)));
        Presence answer = (Presence) routed.poll(1, TimeUnit.SECONDS);
        assertEquals(Presence.Type.UNSUBSCRIBED, answer.type());
        assertEquals(JULIET, answer.from());
        assertNull(routed.poll(50, TimeUnit.MILLISECONDS));
    }

    @Test
    void aSessionThatGoesAwayMakesItsResourceUnavailableToDirectedPresenceRecipients() throws InterruptedException {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = available("balcony", s, 0);
        Jid room = Jid.parse("room@muc.example.net/juliet");
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, room, null, Presence.Type.AVAILABLE, null, List.of())));
        routed.clear();
        juliet.runCommand(new UserEntity.Unbind("balcony", s.getRef()));
        Presence gone = (Presence) routed.poll(1, TimeUnit.SECONDS);
        assertEquals(Presence.Type.UNAVAILABLE, gone.type());
        assertEquals(room, gone.to());
    }

    @Test
    void aSessionBindingAgainRestoresItsPresenceSilently() {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = available("balcony", s, 3);
        juliet.restart();
        Presence before = new Presence(me, null, null, Presence.Type.AVAILABLE, null,
            List.of(Element.build("priority", Ns.CLIENT).text("3").get()));
        juliet.<UserEntity.BindReply>runCommand(replyTo -> new UserEntity.Bind("balcony", s.getRef(), true, before, true, replyTo));
        s.expectNoMessage(Duration.ofMillis(100));
        Message m = Message.chat(ROMEO.withResource("r"), JULIET, "m1", "still there?");
        juliet.runCommand(new UserEntity.Deliver(m));
        assertEquals(m, s.expectMessageClass(SessionMessage.Deliver.class).stanza());
    }

    @Test
    void anAvailableSessionBindingAgainCollectsWhatTheMailboxTookMeanwhile() {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = available("balcony", s, 0);
        mailbox.expectMessageClass(MailboxEntity.DeliverTo.class);
        juliet.restart();
        Presence before = new Presence(me, null, null, Presence.Type.AVAILABLE, null, List.of());
        juliet.<UserEntity.BindReply>runCommand(replyTo -> new UserEntity.Bind("balcony", s.getRef(), true, before, true, replyTo));
        assertEquals(s.getRef(), mailbox.expectMessageClass(MailboxEntity.DeliverTo.class).session());

        // a session binding again with negative priority, or unavailable, collects nothing
        TestProbe<SessionMessage> quiet = testKit.createTestProbe();
        juliet.<UserEntity.BindReply>runCommand(replyTo -> new UserEntity.Bind("quiet", quiet.getRef(), true,
            new Presence(JULIET.withResource("quiet"), null, null, Presence.Type.AVAILABLE, null,
                List.of(Element.build("priority", Ns.CLIENT).text("-1").get())), true, replyTo));
        mailbox.expectNoMessage(Duration.ofMillis(50));
    }
}
