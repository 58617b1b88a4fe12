package chorus.actors.user;

import chorus.actors.ManualClock;
import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.push.PushDisabled;
import chorus.actors.feature.push.PushEnabled;
import chorus.actors.feature.push.PushFeature;
import chorus.actors.feature.push.PushRegistration;
import chorus.actors.feature.push.PushRegistrations;
import chorus.actors.feature.push.PushSettings;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.persistence.accounts.InMemoryAccountDirectory;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0357 in the account's entity: enabling and disabling, who may, the limits, when a message notifies the app
 * server (client gone, unavailable, detached or inactive) and when not, the summary without the body unless asked,
 * one notification on its way per registration, and failures that disable a registration.
 */
class UserEntityPushTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final BareJid JULIET = UserEntityTest.JULIET;
    static final FullJid ORCHARD = UserEntityTest.ROMEO.withResource("orchard");
    static final DomainJid APP = new DomainJid("push.example.net");
    static final String SUMMARY = "urn:xmpp:push:summary";

    final ManualClock clock = new ManualClock(UserEntityTest.NOW);
    final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    final TestProbe<MailboxEntity.Command> mailbox = testKit.createTestProbe();
    final TestProbe<SessionMessage> phone = testKit.createTestProbe();
    final TestProbe<SessionMessage> laptop = testKit.createTestProbe();
    final BlockingQueue<Stanza> routed = new LinkedBlockingQueue<>();
    EventSourcedBehaviorTestKit<UserEntity.Command, AccountEvent, AccountState> juliet;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    void start(PushSettings settings) {
        juliet = EventSourcedBehaviorTestKit.create(testKit.system(), UserEntity.create(JULIET.toString(),
            new UserEntity.Deps(UserEntityTest.DOMAIN, routed::add, AccountFeatures.of(new PushFeature(settings)),
                clock, UserSettings.defaults(), new InMemoryAccountDirectory(), jid -> mailbox.getRef(),
                DeliveryFailures.NONE),
            shard.getRef()));
        juliet.<UserEntity.AccountReply>runCommand(replyTo -> new UserEntity.CreateAccount(UserEntityTest.CREDS, replyTo));
    }

    void start() {
        start(PushSettings.defaults());
    }

    void bind(String resource, TestProbe<SessionMessage> session) {
        juliet.<UserEntity.BindReply>runCommand(replyTo -> UserEntity.Bind.fresh(resource, session.getRef(), true, replyTo));
        juliet.runCommand(new UserEntity.FromClient(new Presence(JULIET.withResource(resource), null, null,
            Presence.Type.AVAILABLE, null, List.of())));
    }

    static Element enable(String node, Element options) {
        Element.Builder b = Element.build("enable", PushFeature.NS).attr("jid", APP.toString()).attr("node", node);
        if (options != null) {
            b.child(options);
        }
        return b.get();
    }

    static Element options(Map<String, String> fields) {
        DataForm.Builder f = DataForm.build("submit", "http://jabber.org/protocol/pubsub#publish-options");
        fields.forEach((k, v) -> f.field(k, null, null, v));
        return f.get();
    }

    /** Sends a request from one of the account's resources; returns the answer its session got. */
    Iq request(String resource, TestProbe<SessionMessage> session, Element payload) {
        juliet.runCommand(new UserEntity.FromClient(
            Iq.of(JULIET.withResource(resource), null, "p-" + payload.name(), Iq.Type.SET, payload)));
        for (int i = 0; i < 20; i++) {
            if (session.receiveMessage(Duration.ofSeconds(3)) instanceof SessionMessage.Deliver d
                && d.stanza() instanceof Iq iq) {
                return iq;
            }
        }
        throw new AssertionError("no answer");
    }

    /** The phone enables push to APP and goes away (its session ends). */
    void phoneEnablesAndLeaves(Element options) {
        bind("phone", phone);
        assertEquals(Iq.Type.RESULT, request("phone", phone, enable("node-1", options)).type());
        juliet.runCommand(new UserEntity.Unbind("phone", phone.getRef()));
        routed.clear();
    }

    void chat(String id, String body) {
        juliet.runCommand(new UserEntity.Deliver(Message.chat(ORCHARD, JULIET, id, body)));
    }

    /** The next notification routed to the app server, or null within the wait. */
    Iq notification(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            Stanza s = routed.poll(Math.max(1, (end - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (s instanceof Iq iq && APP.equals(iq.to())) {
                return iq;
            }
        }
        return null;
    }

    static Map<String, List<String>> summary(Iq publish) {
        Element pubsub = publish.payload().orElseThrow();
        Element x = pubsub.child("publish", "http://jabber.org/protocol/pubsub").orElseThrow()
            .child("item", "http://jabber.org/protocol/pubsub").orElseThrow()
            .child("notification", PushFeature.NS).orElseThrow()
            .child("x", DataForm.NS).orElseThrow();
        return DataForm.values(x);
    }

    void answer(Iq publish, boolean ok) {
        Iq reply = ok ? publish.result()
            : publish.error(StanzaError.of(StanzaError.Condition.ITEM_NOT_FOUND));
        juliet.runCommand(new UserEntity.Deliver(reply));
    }

    @Test
    void aMessageWhileThePushClientIsGoneNotifiesTheAppServerWithoutTheBody() throws Exception {
        start();
        phoneEnablesAndLeaves(options(Map.of("secret", "s3cr3t")));
        chat("m1", "wherefore art thou");
        Iq publish = notification(3000);
        assertNotNull(publish, "the app server is notified");
        assertEquals(JULIET, publish.from(), "from the account's bare JID (XEP-0357 §7)");
        assertEquals(Iq.Type.SET, publish.type());
        Element pubsub = publish.payload().orElseThrow();
        assertEquals("node-1", pubsub.child("publish", "http://jabber.org/protocol/pubsub").orElseThrow().attr("node"));
        Map<String, List<String>> form = summary(publish);
        assertEquals(List.of(SUMMARY), form.get("FORM_TYPE"));
        assertEquals(List.of("1"), form.get("message-count"));
        assertEquals(List.of(ORCHARD.toString()), form.get("last-message-sender"));
        assertNull(form.get("last-message-body"), "no body unless the registration asks for it");
        Element forwarded = pubsub.child("publish-options", "http://jabber.org/protocol/pubsub").orElseThrow()
            .child("x", DataForm.NS).orElseThrow();
        assertEquals(List.of("s3cr3t"), DataForm.values(forwarded).get("secret"), "publish options forwarded");
        assertFalse(publish.toElement(Ns.CLIENT).toString().contains("wherefore"));
    }

    @Test
    void theBodyGoesOnlyToARegistrationThatAskedForIt() throws Exception {
        start();
        phoneEnablesAndLeaves(options(Map.of(PushRegistration.BODY_FIELD, "true")));
        chat("m1", "wherefore art thou");
        assertEquals(List.of("wherefore art thou"), summary(notification(3000)).get("last-message-body"));
    }

    @Test
    void anActiveClientGetsNoPushButADetachedOrInactiveOneDoes() throws Exception {
        start();
        bind("phone", phone);
        request("phone", phone, enable("node-1", null));
        routed.clear();
        chat("m1", "hello");
        assertNull(notification(400), "the phone reads its messages itself");
        juliet.runCommand(new UserEntity.Quiet("phone", phone.getRef(), true));
        chat("m2", "are you there");
        Iq publish = notification(3000);
        assertNotNull(publish, "a quiet (detached or inactive) client's app server hears of the message");
        assertEquals(List.of("1"), summary(publish).get("message-count"));
        answer(publish, true);
        juliet.runCommand(new UserEntity.Quiet("phone", phone.getRef(), false));
        chat("m3", "back?");
        assertNull(notification(400));
    }

    @Test
    void anotherClientOnlineDoesNotStopThePushOfTheOneThatEnabledIt() throws Exception {
        start();
        phoneEnablesAndLeaves(null);
        bind("laptop", laptop);
        chat("m1", "hello");
        assertNotNull(notification(3000), "the registration is the phone's: the laptop reading does not count");
        routed.clear();
        juliet.runCommand(new UserEntity.Deliver(Message.chat(ORCHARD, JULIET.withResource("laptop"), "m2", "lap")));
        assertNull(notification(400), "a message to the laptop by name is not the phone's");
    }

    @Test
    void messagesWhileANotificationIsOnItsWayAreToldInOneMore() throws Exception {
        start();
        phoneEnablesAndLeaves(null);
        chat("m1", "one");
        Iq first = notification(3000);
        assertNotNull(first);
        chat("m2", "two");
        juliet.runCommand(new UserEntity.Deliver(Message.chat(UserEntityTest.ROMEO.withResource("garden"), JULIET,
            "m3", "three")));
        assertNull(notification(400), "one notification on its way per registration");
        answer(first, true);
        Iq second = notification(3000);
        assertNotNull(second, "what came meanwhile is told once the first is answered");
        assertEquals(List.of("3"), summary(second).get("message-count"));
        assertEquals(List.of(UserEntityTest.ROMEO.withResource("garden").toString()),
            summary(second).get("last-message-sender"));
        answer(second, true);
        assertNull(notification(400));
    }

    @Test
    void chatStatesAndReceiptsAloneNotifyNobody() throws Exception {
        start();
        phoneEnablesAndLeaves(null);
        juliet.runCommand(new UserEntity.Deliver(new Message(ORCHARD, JULIET, "c1", Message.Type.CHAT, null,
            List.of(Element.of("composing", "http://jabber.org/protocol/chatstates")))));
        assertNull(notification(400));
        juliet.runCommand(new UserEntity.Deliver(new Message(ORCHARD, JULIET, "e1", Message.Type.CHAT, null,
            List.of(Element.of("encrypted", "eu.siacs.conversations.axolotl")))));
        assertNotNull(notification(3000), "an encrypted message without a body counts");
    }

    @Test
    void errorAnswersInARowDisableTheRegistrationSilently() throws Exception {
        start(new PushSettings(true, 10, 4096, 2, Duration.ofSeconds(30)));
        phoneEnablesAndLeaves(null);
        chat("m1", "one");
        Iq first = notification(3000);
        answer(first, false);
        chat("m2", "two");
        Iq second = notification(3000);
        assertNotNull(second, "one failure is not enough");
        answer(second, false);
        awaitRegistrations(0);
        chat("m3", "three");
        assertNull(notification(400), "the registration is gone");
        assertTrue(phone.receiveSeveralMessages(0, Duration.ofMillis(1)).isEmpty());
    }

    @Test
    void temporaryErrorsDoNotCount() throws Exception {
        start(new PushSettings(true, 10, 4096, 2, Duration.ofSeconds(30)));
        phoneEnablesAndLeaves(null);
        for (int i = 0; i < 3; i++) {
            chat("w" + i, "x");
            Iq publish = notification(3000);
            assertNotNull(publish, "still enabled after " + i + " temporary errors");
            juliet.runCommand(new UserEntity.Deliver(
                publish.error(StanzaError.of(StanzaError.Condition.RESOURCE_CONSTRAINT))));
        }
        assertEquals(1, juliet.getState().slice(PushRegistrations.KEY).all().size());
    }

    @Test
    void aSuccessResetsTheFailureCount() throws Exception {
        start(new PushSettings(true, 10, 4096, 2, Duration.ofSeconds(30)));
        phoneEnablesAndLeaves(null);
        for (int i = 0; i < 3; i++) {
            chat("f" + i, "x");
            answer(notification(3000), false);
            chat("s" + i, "y");
            answer(notification(3000), true);
        }
        assertEquals(1, juliet.getState().slice(PushRegistrations.KEY).all().size());
    }

    @Test
    void noAnswerInTimeCountsAsAFailure() throws Exception {
        start(new PushSettings(true, 10, 4096, 2, Duration.ofMillis(200)));
        phoneEnablesAndLeaves(null);
        chat("m1", "one");
        assertNotNull(notification(3000));
        chat("m2", "two");
        assertNotNull(notification(3000), "after the timeout what waited is told");
        awaitRegistrations(0);
    }

    @Test
    void disableStopsNotifications() throws Exception {
        start();
        bind("phone", phone);
        request("phone", phone, enable("node-1", null));
        request("phone", phone, enable("node-2", null));
        assertEquals(2, juliet.getState().slice(PushRegistrations.KEY).all().size());
        Element disable = Element.build("disable", PushFeature.NS).attr("jid", APP.toString()).attr("node", "node-1").get();
        assertEquals(Iq.Type.RESULT, request("phone", phone, disable).type());
        assertEquals(List.of("node-2"), nodes());
        Element all = Element.build("disable", PushFeature.NS).attr("jid", APP.toString()).get();
        assertEquals(Iq.Type.RESULT, request("phone", phone, all).type());
        assertEquals(List.of(), nodes());
        juliet.runCommand(new UserEntity.Unbind("phone", phone.getRef()));
        routed.clear();
        chat("m1", "one");
        assertNull(notification(400));
    }

    @Test
    void registrationsAreBoundedPerAccountTheOldestGoes() {
        start(new PushSettings(true, 2, 4096, 5, Duration.ofSeconds(30)));
        bind("phone", phone);
        for (String node : List.of("a", "b", "c")) {
            assertEquals(Iq.Type.RESULT, request("phone", phone, enable(node, null)).type());
        }
        assertEquals(List.of("b", "c"), nodes());
        request("phone", phone, enable("b", null));
        assertEquals(List.of("c", "b"), nodes(), "enabling again replaces, it does not add");
    }

    @Test
    void badRequestsAreRefusedAndNothingIsStored() {
        start(new PushSettings(true, 10, 200, 5, Duration.ofSeconds(30)));
        bind("phone", phone);
        Element noNode = Element.build("enable", PushFeature.NS).attr("jid", APP.toString()).get();
        assertEquals(StanzaError.Condition.BAD_REQUEST, StanzaError.conditionOf(request("phone", phone, noNode)));
        Element noJid = Element.build("enable", PushFeature.NS).attr("node", "n").get();
        assertEquals(StanzaError.Condition.BAD_REQUEST, StanzaError.conditionOf(request("phone", phone, noJid)));
        Element badJid = Element.build("enable", PushFeature.NS).attr("jid", "@@").attr("node", "n").get();
        assertEquals(StanzaError.Condition.JID_MALFORMED, StanzaError.conditionOf(request("phone", phone, badJid)));
        Element big = enable("n", options(Map.of("secret", "x".repeat(500))));
        assertEquals(StanzaError.Condition.NOT_ACCEPTABLE, StanzaError.conditionOf(request("phone", phone, big)));
        assertEquals(List.of(), nodes());
    }

    @Test
    void nobodyButTheAccountsOwnClientsMayEnablePush() throws Exception {
        start();
        juliet.runCommand(new UserEntity.Deliver(Iq.of(ORCHARD, JULIET, "x1", Iq.Type.SET, enable("evil", null))));
        Stanza answer = routed.poll(3, TimeUnit.SECONDS);
        assertEquals(StanzaError.Condition.NOT_ALLOWED, StanzaError.conditionOf(answer));
        assertEquals(List.of(), nodes());
    }

    @Test
    void registrationsSurviveARestartAndGoWithTheAccount() throws Exception {
        start();
        phoneEnablesAndLeaves(null);
        juliet.restart();
        chat("m1", "after restart");
        assertNotNull(notification(3000), "the registration was persisted");
        juliet.<UserEntity.AccountReply>runCommand(UserEntity.RemoveAccount::new);
        juliet.restart();
        assertEquals(List.of(), nodes(), "erased with the account");
    }

    @Test
    void diagnosticsPrintNeitherTheNodeNorTheOptions() {
        PushRegistration r = new PushRegistration(APP, "node-secret", options(Map.of("secret", "s3cr3t")), "phone");
        for (Object o : List.of(r, new PushEnabled(r, 3), new PushDisabled(APP, "node-secret"),
            new PushRegistrations(List.of(r)))) {
            assertFalse(o.toString().contains("secret"), o.toString());
        }
    }

    List<String> nodes() {
        List<String> out = new ArrayList<>();
        juliet.getState().slice(PushRegistrations.KEY).all().forEach(r -> out.add(r.node()));
        return out;
    }

    void awaitRegistrations(int n) throws InterruptedException {
        for (int i = 0; i < 100 && juliet.getState().slice(PushRegistrations.KEY).all().size() != n; i++) {
            Thread.sleep(30);
        }
        assertEquals(n, juliet.getState().slice(PushRegistrations.KEY).all().size());
    }
}
