package chorus.actors.user;

import chorus.actors.ManualClock;
import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.fast.FastFeature;
import chorus.actors.feature.fast.FastSettings;
import chorus.actors.feature.fast.FastTokenIssued;
import chorus.actors.feature.fast.FastTokens;
import chorus.actors.mailbox.MailboxEntity;
import chorus.persistence.accounts.InMemoryAccountDirectory;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0484 FAST tokens in the account's entity: a token kept as its hash proves a login made with the token itself
 * (the HMAC of a key longer than the block is the HMAC of its hash, RFC 2104 §2); wrong, expired, revoked and
 * dropped tokens do not; tokens survive a restart and go with the account.
 */
class UserEntityFastTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final String HT = "HT-SHA-256-NONE";
    /** 80 characters, as the node makes them: longer than HMAC-SHA-256's 64-byte block. */
    static final String TOKEN = "WxPcXYZ0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-0123456789a";

    final ManualClock clock = new ManualClock(UserEntityTest.NOW);
    final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    final TestProbe<MailboxEntity.Command> mailbox = testKit.createTestProbe();
    EventSourcedBehaviorTestKit<UserEntity.Command, AccountEvent, AccountState> juliet;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    void start(int max) {
        juliet = EventSourcedBehaviorTestKit.create(testKit.system(), UserEntity.create(UserEntityTest.JULIET.toString(),
            new UserEntity.Deps(UserEntityTest.DOMAIN, st -> { }, AccountFeatures.of(
                new FastFeature(new FastSettings(true, Duration.ofDays(14), max))),
                clock, UserSettings.defaults(), new InMemoryAccountDirectory(), jid -> mailbox.getRef(),
                DeliveryFailures.NONE),
            shard.getRef()));
        juliet.<UserEntity.AccountReply>runCommand(replyTo -> new UserEntity.CreateAccount(UserEntityTest.CREDS, replyTo));
    }

    static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    /** What a client computes with the token itself (draft-schmaus-kitten-sasl-ht §3). */
    static byte[] hmac(String token, String label) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(label.getBytes(StandardCharsets.US_ASCII));
    }

    void issue(String token, String client) throws Exception {
        byte[] key = sha256(token);
        Instant now = clock.instant();
        assertTrue(juliet.<FastFeature.Issued>runCommand(r -> new FastFeature.Issue(key, HT, client, now,
            now.plus(Duration.ofDays(14)), r)).reply().kept());
    }

    FastFeature.Verdict verify(String token, boolean invalidate) throws Exception {
        byte[] proof = hmac(token, "Initiator");
        Instant now = clock.instant();
        return juliet.<FastFeature.Verdict>runCommand(r -> new FastFeature.Verify(HT, proof, null, invalidate, now, r))
            .reply();
    }

    @Test
    void aTokenKeptAsItsHashProvesALoginWithTheTokenAndTheServerProvesItselfBack() throws Exception {
        start(8);
        issue(TOKEN, "client-a");
        FastFeature.Verdict v = verify(TOKEN, false);
        assertTrue(v.ok());
        assertArrayEquals(hmac(TOKEN, "Responder"), v.responder());
        // Only the hash is kept.
        FastTokens kept = juliet.getState().slice(FastTokens.KEY);
        assertArrayEquals(sha256(TOKEN), kept.all().get(0).key());
        assertFalse(new String(kept.all().get(0).key(), StandardCharsets.ISO_8859_1).contains(TOKEN));
    }

    @Test
    void aWrongTokenIsRefused() throws Exception {
        start(8);
        issue(TOKEN, "client-a");
        assertFalse(verify(TOKEN.replace('W', 'V'), false).ok());
    }

    @Test
    void aProofBoundToAnotherChannelIsRefused() throws Exception {
        // HT-SHA-256-ENDP: the client's HMAC covers the certificate hash it saw; the server checks with its own.
        start(8);
        byte[] key = sha256(TOKEN);
        Instant now = clock.instant();
        juliet.<FastFeature.Issued>runCommand(r -> new FastFeature.Issue(key, "HT-SHA-256-ENDP", "c", now,
            now.plus(Duration.ofDays(1)), r));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update("Initiator".getBytes(StandardCharsets.US_ASCII));
        byte[] proof = mac.doFinal(new byte[] {1, 2, 3}); // what a client behind a man in the middle saw
        assertFalse(juliet.<FastFeature.Verdict>runCommand(r -> new FastFeature.Verify("HT-SHA-256-ENDP", proof,
            new byte[] {4, 5, 6}, false, now, r)).reply().ok());
        assertTrue(juliet.<FastFeature.Verdict>runCommand(r -> new FastFeature.Verify("HT-SHA-256-ENDP", proof,
            new byte[] {1, 2, 3}, false, now, r)).reply().ok());
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        start(8);
        issue(TOKEN, "client-a");
        clock.now = clock.now.plus(Duration.ofDays(14));
        assertFalse(verify(TOKEN, false).ok());
    }

    @Test
    void aTokenInvalidatedAtLoginWorksThatOnceAndNeverAgain() throws Exception {
        start(8);
        issue(TOKEN, "client-a");
        assertTrue(verify(TOKEN, true).ok());
        assertFalse(verify(TOKEN, false).ok());
    }

    @Test
    void aClientsNewTokenReplacesItsOldOneAndTheAccountKeepsAtMostTheCap() throws Exception {
        start(2);
        issue(TOKEN, "client-a");
        issue(TOKEN + "1", "client-a");
        assertFalse(verify(TOKEN, false).ok(), "replaced by the same client's new token");
        issue(TOKEN + "2", "client-b");
        issue(TOKEN + "3", "client-c");
        assertEquals(2, juliet.getState().slice(FastTokens.KEY).all().size());
        assertFalse(verify(TOKEN + "1", false).ok(), "the oldest went when the cap was reached");
        assertTrue(verify(TOKEN + "3", false).ok());
    }

    @Test
    void tokensSurviveARestartAndGoWithTheAccount() throws Exception {
        start(8);
        issue(TOKEN, "client-a");
        juliet.restart();
        assertTrue(verify(TOKEN, false).ok());
        juliet.<UserEntity.AccountReply>runCommand(UserEntity.RemoveAccount::new);
        juliet.<UserEntity.AccountReply>runCommand(replyTo -> new UserEntity.CreateAccount(UserEntityTest.CREDS, replyTo));
        assertFalse(verify(TOKEN, false).ok(), "a new account of the same name has none of the old tokens");
    }

    @Test
    void theIssuedEventPrintsNoKey() throws Exception {
        String printed = new FastTokenIssued(new chorus.actors.feature.fast.FastToken(sha256(TOKEN), HT, "c",
            UserEntityTest.NOW, UserEntityTest.NOW), 8).toString();
        assertFalse(printed.contains("key=["), printed);
    }
}
