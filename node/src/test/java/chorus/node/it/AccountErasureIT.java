package chorus.node.it;

import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.node.admin.AccountService;
import chorus.node.storage.AccountEraser;
import chorus.persistence.accounts.ErasureLedger;
import com.datastax.oss.driver.api.core.CqlSession;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An account's removal cut off at any point leaves no old account behind, and is finished before its name is
 * registered again. Each account is removed by its entity as a removal would, then the node "dies": before anything
 * more (no ledger row, nothing erased), or after the first k steps of the erasure (the ledger row written, the mailbox
 * emptied). Against the real Cassandra node, with snapshots every 5 events so each account has two: then no
 * password of the old account works, the name is taken, and the node (the registration that found the old journal,
 * or the sweep of the ledger) erases every row before the name is free; the new account starts empty.
 */
class AccountErasureIT {
    static final Duration ASK = Duration.ofSeconds(15);
    static final int CHANGES = 12;
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        // Snapshots every 5 events; the ledger swept every 2 s for removals 45 s old, so that the name is seen taken
        // first (the checks before take some seconds: failed logins wait for the login-lookup floor). The test's
        // dozen failed logins all come from 127.0.0.1: the per-source throttle is off, the per-account one stays.
        node = TestNode.start(Map.of("chorus.user.snapshot-every", 5,
            "chorus.account-erasure.sweep-every", "2s",
            "chorus.account-erasure.sweep-after", "45s",
            "chorus.c2s.login-throttle.source.slow-after", 0, "chorus.c2s.login-throttle.source.refuse-after", 0));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aRemovalCutOffAfterAnyStepLeavesNoOldAccountAndIsFinishedBeforeTheNameIsFree() throws Exception {
        AccountService accounts = node.node().accounts();
        ClusterSharding sharding = ClusterSharding.get(node.node().system());
        AccountEraser eraser = AccountEraser.forStorage(node.node().system(), node.node().storage());
        ErasureLedger ledger = new ErasureLedger(node.node().storage().session(), node.keyspace(), Clock.systemUTC());
        int steps = eraser.steps("nobody@chorus.test").size();
        node.createUser("polonius", "arras");
        List<BareJid> removed = new ArrayList<>();
        for (int k = 0; k <= steps; k++) {
            BareJid jid = node.jid("ophelia" + k);
            node.createUser("ophelia" + k, "rue-0");
            for (int i = 1; i <= CHANGES; i++) {
                assertEquals(UserEntity.AccountReply.Done.class,
                    accounts.changePassword(jid, "rue-" + i).toCompletableFuture().join().getClass());
            }
            accounts.subscribeMutually(jid, node.jid("polonius")).toCompletableFuture().join();
            try (CqlSession s = StorageIT.session(node)) {
                if ((newest(s, "messages", jid) + 1) % 5 == 0) {
                    // The removal would be snapshotted itself: one more event, so the newest snapshot is the account.
                    accounts.changePassword(jid, "rue-" + CHANGES).toCompletableFuture().join();
                }
            }
            assertEquals(UserEntity.AccountReply.Done.class, sharding.entityRefFor(UserEntity.KEY, jid.toString())
                .<UserEntity.AccountReply>ask(UserEntity.RemoveAccount::new, ASK).toCompletableFuture().join().getClass());
            try (CqlSession s = StorageIT.session(node)) {
                long snapshot = newest(s, "snapshots", jid);
                assertTrue(snapshot > 0 && snapshot < newest(s, "messages", jid),
                    "the newest snapshot (" + snapshot + ") holds the account before its removal");
            }
            if (k > 0) {
                // The erasure had begun: the ledger's row, the mailbox emptied, then its first k steps ran.
                ledger.begin(jid.toString()).toCompletableFuture().join();
                sharding.entityRefFor(MailboxEntity.KEY, jid.toString())
                    .<MailboxEntity.Cleared>ask(MailboxEntity.Clear::new, ASK).toCompletableFuture().join();
                Thread.sleep(1000); // the entity, told to leave memory at its removal, has left
                for (AccountEraser.Step step : eraser.steps(jid.toString()).subList(0, k)) {
                    step.run().get().toCompletableFuture().join();
                }
            }
            removed.add(jid);
        }
        for (int k = 0; k <= steps; k++) {
            BareJid jid = removed.get(k);
            String cut = k == 0 ? "before its erasure" : "after " + k + " step(s) of its erasure";
            assertNull(accounts.credentials(jid).toCompletableFuture().join(),
                "an account removed and cut off " + cut + " came back from what is left");
            for (String old : List.of("rue-" + CHANGES, "rue-" + (CHANGES - 3), "rue-0")) {
                assertThrows(SASLErrorException.class, () -> Clients.login(node, jid.local(), old, "r").disconnect(),
                    "the old password " + old + " logs in after a removal cut off " + cut);
            }
            assertEquals(new UserEntity.AccountReply.Failed("conflict"),
                accounts.create(jid, "fresh").toCompletableFuture().join(),
                "the name of an account whose erasure was cut off " + cut + " was registered again");
        }
        try (CqlSession s = StorageIT.session(node)) {
            for (BareJid jid : removed) {
                awaitErased(s, jid);
            }
            assertEquals(List.of(), ledger.owedSince(Instant.now().plusSeconds(60)).toCompletableFuture().join(),
                "erasures are still owed");
        }
        for (BareJid jid : removed) {
            awaitCreated(accounts, jid);
            XMPPTCPConnection fresh = Clients.login(node, jid.local(), "fresh", "r");
            try {
                Roster r = Roster.getInstanceFor(fresh);
                MessagingIT.awaitTrue(r::isLoaded, "roster loaded");
                assertTrue(r.getEntries().isEmpty(), jid.local() + "'s new account inherited the old roster");
            } finally {
                fresh.disconnect();
            }
            assertThrows(SASLErrorException.class, () -> Clients.login(node, jid.local(), "rue-" + CHANGES, "r").disconnect());
        }
    }

    /** The sweep takes removals 45 s old: the first ledger row was written some 30 s before this is asked. */
    static void awaitErased(CqlSession s, BareJid jid) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int left;
        do {
            left = StorageIT.ownedRowsOf(s, node.keyspace(), jid.toString());
            if (left == 0) {
                return;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(left + " row(s) of " + jid.local() + "'s old account are still there");
    }

    /** The name is free once its erasure is done and the entity that saw the old journal has left memory. */
    static void awaitCreated(AccountService accounts, BareJid jid) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        UserEntity.AccountReply reply;
        do {
            reply = accounts.create(jid, "fresh").toCompletableFuture().join();
            if (reply instanceof UserEntity.AccountReply.Done) {
                return;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(jid.local() + " could not be registered again once erased: " + reply);
    }

    /** The highest sequence number of the account's rows in the journal or the snapshots (0: none). */
    static long newest(CqlSession s, String table, BareJid jid) {
        com.datastax.oss.driver.api.core.cql.Row row = s.execute("SELECT max(sequence_nr) FROM " + node.keyspace() + "."
            + table + " WHERE persistence_id = ?" + (table.equals("messages") ? " AND partition_nr = 0" : ""),
            "User|" + jid).one();
        return row == null || row.isNull(0) ? 0 : row.getLong(0);
    }
}
