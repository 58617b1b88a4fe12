package chorus.node.login;

import chorus.actors.xmpp.BareJid;
import chorus.node.config.SessionLimits;
import chorus.node.xmppstream.ClientSource;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The throttle over its buckets (actors of this test, where sharding would place them in a cluster). */
class LoginThrottleTest {
    static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load());
    static final SessionLimits.LoginThrottling SETTINGS = new SessionLimits.LoginThrottling(
        new SessionLimits.Threshold(2, 4), new SessionLimits.Threshold(3, 6), Duration.ofMinutes(15),
        Duration.ofMinutes(15), Duration.ofSeconds(8));
    static final BareJid ALICE = new BareJid("alice", "example.org");
    static final BareJid NOBODY = new BareJid("nobody-at-all", "example.org");

    final Map<String, ActorRef<ThrottleBucket.Command>> buckets = new ConcurrentHashMap<>();
    final ShardedLoginThrottle throttle = new ShardedLoginThrottle(SETTINGS, new byte[32],
        id -> buckets.computeIfAbsent(id, i -> testKit.spawn(ThrottleBucket.create(i, SETTINGS, Clock.systemUTC()))),
        testKit.system().scheduler());

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    static ClientSource from(String address) throws Exception {
        return ClientSource.of(InetAddress.getByName(address));
    }

    LoginThrottle.Verdict check(BareJid account, ClientSource source) throws Exception {
        return throttle.check(account, source).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void anAccountNameIsSlowedThenRefusedWhetherOrNotItExists() throws Exception {
        for (BareJid name : new BareJid[] {ALICE, NOBODY}) {
            int source = 1;
            assertEquals(LoginThrottle.Verdict.FREE, check(name, from("10.0.0." + source)));
            for (int i = 1; i <= 3; i++) {
                throttle.failed(name, from("10.0.0." + source++));
                // The next failure is the (i+1)-th: slowed from slow-after (2) on, doubling each time.
                awaitExcess(name, from("10.0.0." + source), Math.max(0, i + 1 - 2));
            }
            throttle.failed(name, from("10.0.0." + source++));
            awaitRefused(name, from("10.0.0." + source), LoginThrottle.Scope.ACCOUNT);
        }
    }

    @Test
    void aSourceIsRefusedWhateverNamesItTriesAndAnIpv6SubscriberIsOneSource() throws Exception {
        for (int i = 0; i < 6; i++) {
            throttle.failed(new BareJid("guess" + i, "example.org"), from("2001:db8:1:2::" + Integer.toHexString(i + 1)));
        }
        awaitRefused(new BareJid("guess-next", "example.org"), from("2001:db8:1:2:ffff::9"), LoginThrottle.Scope.SOURCE);
        assertFalse(check(new BareJid("guess-next", "example.org"), from("2001:db8:1:3::1")).refused(),
            "another /64 is another source");
    }

    @Test
    void onionClientsAreOneSourceApartFromLocalOnes() throws Exception {
        for (int i = 0; i < 6; i++) {
            throttle.failed(new BareJid("onion" + i, "example.org"), ClientSource.ONION);
        }
        awaitRefused(new BareJid("onion-next", "example.org"), ClientSource.ONION, LoginThrottle.Scope.SOURCE);
        assertFalse(check(new BareJid("onion-next", "example.org"), from("127.0.0.1")).refused());
    }

    @Test
    void aLoginStartsTheAccountsCountAgain() throws Exception {
        BareJid bob = new BareJid("bob", "example.org");
        throttle.failed(bob, from("10.1.0.1"));
        throttle.failed(bob, from("10.1.0.2"));
        awaitExcess(bob, from("10.1.0.3"), 1);
        throttle.succeeded(bob);
        awaitExcess(bob, from("10.1.0.3"), 0);
    }

    @Test
    void bucketsThatDoNotAnswerLeaveTheJudgementToThisNodesOwnCounts() throws Exception {
        // Every bucket is away (its node died, its shard not yet moved): asked, it never answers.
        var silent = testKit.<ThrottleBucket.Command>createTestProbe();
        ShardedLoginThrottle alone = new ShardedLoginThrottle(SETTINGS, new byte[32], id -> silent.getRef(),
            testKit.system().scheduler());
        BareJid carol = new BareJid("carol", "example.org");
        long start = System.nanoTime();
        assertEquals(LoginThrottle.Verdict.FREE, alone.check(carol, from("10.2.0.1")).toCompletableFuture()
            .get(5, TimeUnit.SECONDS));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waited < 2000, "a login waits for a silent bucket " + waited + " ms");
        for (int i = 1; i <= 4; i++) {
            alone.failed(carol, from("10.2.0." + i));
        }
        assertEquals(LoginThrottle.Scope.ACCOUNT, alone.check(carol, from("10.2.0.9")).toCompletableFuture()
            .get(5, TimeUnit.SECONDS).refusedBy(), "four failures refuse the name as the bucket would have");
        silent.expectMessageClass(ThrottleBucket.Check.class);
        alone.succeeded(new BareJid("dave", "example.org"));
        for (int i = 1; i <= 6; i++) {
            alone.failed(new BareJid("guess" + i, "example.org"), from("10.3.0.1"));
        }
        LoginThrottle.Verdict v = alone.check(new BareJid("dave", "example.org"), from("10.3.0.1"))
            .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(LoginThrottle.Scope.SOURCE, v.refusedBy(), "and a source that failed six times");
        assertFalse(alone.check(new BareJid("dave", "example.org"), from("10.4.0.1")).toCompletableFuture()
            .get(5, TimeUnit.SECONDS).refused(), "another name from another source goes ahead");
    }

    @Test
    void keysAreKeyedHashesNotNamesOrAddresses() throws Exception {
        ThrottleKeys keys = new ThrottleKeys(new byte[32]);
        ThrottleKeys otherCluster = new ThrottleKeys(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        assertEquals(keys.account(ALICE), new ThrottleKeys(new byte[32]).account(ALICE), "the same on every node");
        assertNotEquals(keys.account(ALICE), otherCluster.account(ALICE));
        assertEquals(keys.source(from("2001:db8::1")), keys.source(from("2001:db8::2")));
        assertNotEquals(keys.source(from("10.0.0.1")), keys.source(from("10.0.0.2")));
    }

    @Test
    void theFailureDelayDoublesFromTheBaseUpToTheMaximum() {
        Duration base = Duration.ofSeconds(1);
        Duration max = Duration.ofSeconds(8);
        assertEquals(base, LoginThrottle.Verdict.FREE.failureDelay(base, max));
        assertEquals(Duration.ofSeconds(2), new LoginThrottle.Verdict(null, 1).failureDelay(base, max));
        assertEquals(Duration.ofSeconds(8), new LoginThrottle.Verdict(null, 3).failureDelay(base, max));
        assertEquals(Duration.ofSeconds(8), new LoginThrottle.Verdict(null, 40).failureDelay(base, max));
    }

    private void awaitRefused(BareJid name, ClientSource source, LoginThrottle.Scope scope) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        LoginThrottle.Verdict v = check(name, source);
        while (!v.refused() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            v = check(name, source);
        }
        assertEquals(scope, v.refusedBy());
    }

    private void awaitExcess(BareJid name, ClientSource source, int excess) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        LoginThrottle.Verdict v = check(name, source);
        while (v.excess() != excess && System.nanoTime() < deadline) {
            Thread.sleep(20);
            v = check(name, source);
        }
        assertEquals(excess, v.excess());
        assertTrue(!v.refused());
    }
}
