package chorus.node.it;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Accounts that log in at a surviving node while another node's death is being handled: each account was created
 * before the death, so its entity's shard may have lived on the dead node. Every login at once, each waiting up to
 * 30 s for an answer as a mobile client would; what failed and the slowest are kept.
 */
final class FailoverLogins {
    final Map<String, Integer> failures = new ConcurrentHashMap<>();
    final AtomicLong slowestMs = new AtomicLong();

    /** Creates the accounts (through {@code admin}): before the death, so their shards are placed. */
    static List<String> create(ClusterIT.ClusterNode admin, String prefix, int n) {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            users.add(prefix + i);
            admin.ctl("user", "add", prefix + i, "pw");
        }
        return users;
    }

    /** Logs every account in at {@code via} at once, each once; returns when all have answered. */
    static FailoverLogins run(List<String> users, ClusterIT.ClusterNode via) throws InterruptedException {
        FailoverLogins out = new FailoverLogins();
        List<Thread> threads = new ArrayList<>();
        for (String u : users) {
            Thread t = new Thread(() -> {
                long start = System.nanoTime();
                try {
                    XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(via.endpoint(), u, "pw")
                        .setResource("failover").build());
                    c.setReplyTimeout(30_000);
                    c.connect().login();
                    c.disconnect();
                } catch (Exception e) {
                    out.failures.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                }
                out.slowestMs.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return out;
    }

    @Override
    public String toString() {
        return "slowest " + slowestMs.get() + " ms, failed " + failures;
    }
}
