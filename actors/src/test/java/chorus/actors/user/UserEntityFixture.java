package chorus.actors.user;

import chorus.actors.account.Credentials;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.ping.PingHandler;
import chorus.actors.feature.roster.RosterXml;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.persistence.accounts.InMemoryAccountDirectory;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * What the tests of {@link UserEntity} share: Juliet's account entity, journaled in memory, with probes for its
 * shard and its mailbox, the stanzas it routes and the delivery failures it records; her account is created before
 * each test. The helpers take a session's steps (bind, become available). Each test class brings its own test kit.
 */
abstract class UserEntityFixture {
    static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    static final DomainJid DOMAIN = new DomainJid("example.org");
    static final BareJid JULIET = new BareJid("juliet", "example.org");
    static final BareJid ROMEO = new BareJid("romeo", "example.org");
    static final Credentials CREDS = Credentials.derive("secret", 4096, new SecureRandom());

    final LinkedBlockingQueue<Stanza> routed = new LinkedBlockingQueue<>();
    final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    final TestProbe<ClusterSharding.ShardCommand> shard;
    final TestProbe<MailboxEntity.Command> mailbox;
    final EventSourcedBehaviorTestKit<UserEntity.Command, AccountEvent, AccountState> juliet;

    /** @param more account features besides XEP-0199 ping, for the tests of their hooks */
    UserEntityFixture(ActorTestKit kit, AccountFeature... more) {
        this(kit, null, more);
    }

    /** @param accounts the way to other accounts' entities, for the tests of what waits for them */
    UserEntityFixture(ActorTestKit kit, Function<String, RecipientRef<UserEntity.Command>> accounts) {
        this(kit, accounts, new AccountFeature[0]);
    }

    private UserEntityFixture(ActorTestKit kit, Function<String, RecipientRef<UserEntity.Command>> accounts,
                              AccountFeature[] more) {
        AccountFeature[] features = java.util.Arrays.copyOf(more, more.length + 1);
        features[more.length] = AccountFeature.of(new PingHandler());
        shard = kit.createTestProbe();
        mailbox = kit.createTestProbe();
        juliet = EventSourcedBehaviorTestKit.create(kit.system(), UserEntity.create(JULIET.toString(),
            new UserEntity.Deps(DOMAIN, routed::add, AccountFeatures.of(features),
                Clock.fixed(NOW, ZoneOffset.UTC), UserSettings.defaults(), new InMemoryAccountDirectory(),
                jid -> mailbox.getRef(), (st, c) -> failures.add(st + " " + c), accounts),
            shard.getRef()));
    }

    static ActorTestKit newTestKit() {
        return ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    }

    @BeforeEach
    void createAccount() {
        juliet.clear();
        routed.clear();
        var r = juliet.<UserEntity.AccountReply>runCommand(replyTo -> new UserEntity.CreateAccount(CREDS, replyTo));
        assertInstanceOf(UserEntity.AccountReply.Done.class, r.reply());
    }

    Stanza pollQuietly() {
        try {
            return routed.poll(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    UserEntity.BindReply limitedBind(String resource, TestProbe<SessionMessage> session, int max) {
        return juliet.<UserEntity.BindReply>runCommand(
            replyTo -> UserEntity.Bind.fresh(resource, session.getRef(), true, max, replyTo)).reply();
    }

    UserEntity.BindReply bindReply(String resource, TestProbe<SessionMessage> session) {
        return juliet.<UserEntity.BindReply>runCommand(
            replyTo -> UserEntity.Bind.fresh(resource, session.getRef(), true, replyTo)).reply();
    }

    FullJid bind(String resource, TestProbe<SessionMessage> session) {
        UserEntity.BindReply r = bindReply(resource, session);
        return ((UserEntity.BindReply.Bound) r).jid();
    }

    FullJid available(String resource, TestProbe<SessionMessage> session, int priority) {
        FullJid me = bind(resource, session);
        Element prio = Element.build("priority", Ns.CLIENT).text(Integer.toString(priority)).get();
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, null, null, Presence.Type.AVAILABLE, null, List.of(prio))));
        // Its own presence comes back to it (RFC 6121 §4.2.2).
        session.expectMessageClass(SessionMessage.Deliver.class);
        drain(session);
        return me;
    }

    static void drain(TestProbe<SessionMessage> p) {
        try {
            while (true) {
                p.expectMessageClass(SessionMessage.Deliver.class, Duration.ofMillis(30));
            }
        } catch (AssertionError done) {
            // nothing more
        }
    }

    static Iq rosterGet(FullJid me) {
        return Iq.of(me, null, "r1", Iq.Type.GET, Element.of("query", RosterXml.NS));
    }
}
