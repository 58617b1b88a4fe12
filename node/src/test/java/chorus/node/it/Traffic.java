package chorus.node.it;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Numbered messages between pairs of users while nodes fail: every message a sender's client handed
 * to the server must end up received (perhaps after a reconnect, from offline storage) or answered
 * to its sender with an error. What ends up neither is lost.
 */
final class Traffic {
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final AtomicInteger MOVES = new AtomicInteger();

    /** The accounting: sent = delivered + errored back (some may be both), and what is neither. */
    record Report(int sent, int delivered, int fromOffline, int errored, List<String> lost) {
        @Override
        public String toString() {
            return sent + " sent, " + delivered + " delivered (" + fromOffline + " of them stored offline first), "
                + errored + " errored back, " + lost.size() + " lost";
        }
    }

    /** A client and the node it is connected to now. */
    final class Client {
        final String user;
        volatile ClusterIT.ClusterNode node;
        volatile XMPPTCPConnection connection;

        Client(String user, ClusterIT.ClusterNode node) {
            this.user = user;
            this.node = node;
        }

        void connect(ClusterIT.ClusterNode to) throws Exception {
            connect(to, "t");
        }

        void connect(ClusterIT.ClusterNode to, String resource) throws Exception {
            connect(to, resource, 10_000);
        }

        /** Logs in at {@code to}, waiting up to {@code replyTimeoutMs} for each answer of the server. */
        void connect(ClusterIT.ClusterNode to, String resource, long replyTimeoutMs) throws Exception {
            node = to;
            XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(to.endpoint(), user, "pw")
                .setResource(resource).build());
            c.setReplyTimeout(replyTimeoutMs);
            c.connect().login();
            c.addAsyncStanzaListener(st -> {
                Message m = (Message) st;
                if (m.getType() == Message.Type.error) {
                    errored.add(m.getStanzaId());
                    StanzaError e = m.getError();
                    errorKinds.merge(e == null ? "?" : e.getCondition() + ": " + e.getDescriptiveText(), 1, Integer::sum);
                } else if (m.getBody() != null) {
                    received.putIfAbsent(m.getBody(), System.nanoTime());
                    if (m.hasExtension(DelayInformation.ELEMENT, DelayInformation.NAMESPACE)) {
                        // XEP-0203: it waited in the mailbox and came with the login.
                        stored.add(m.getBody());
                    }
                }
            }, st -> st instanceof Message);
            connection = c;
        }
    }

    private final ClusterIT.ClusterNode[] nodes;
    private final List<Client> senders = new ArrayList<>();
    private final List<Client> receivers = new ArrayList<>();
    private final Map<String, Long> sent = new ConcurrentHashMap<>();
    private final Map<String, Long> received = new ConcurrentHashMap<>();
    private final Set<String> errored = ConcurrentHashMap.newKeySet();
    private final Set<String> stored = ConcurrentHashMap.newKeySet();
    /** How many errors came back, by condition and text: where a failure window shows. */
    final Map<String, Integer> errorKinds = new ConcurrentHashMap<>();
    /** Failed logins of clients moving off a dead node, by the client's exception. */
    final Map<String, Integer> loginFailures = new ConcurrentHashMap<>();
    /** The longest time a client of a dead node took to log in elsewhere, failed attempts included. */
    final java.util.concurrent.atomic.AtomicLong slowestReconnectMs = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param senderNodes nodes the senders connect to
     * @param receiverNode a node that also gets half of the receivers (the one about to die), or -1 to
     *                     spread receivers over every node
     */
    Traffic(ClusterIT.ClusterNode[] nodes, List<Integer> senderNodes, int receiverNode, int pairs) throws Exception {
        this.nodes = nodes;
        int run = RUNS.incrementAndGet();
        ClusterIT.ClusterNode admin = nodes[senderNodes.get(0)];
        for (int k = 0; k < pairs; k++) {
            String s = "t" + run + "s" + k;
            String r = "t" + run + "r" + k;
            admin.ctl("user", "add", s, "pw");
            admin.ctl("user", "add", r, "pw");
            senders.add(new Client(s, nodes[senderNodes.get(k % senderNodes.size())]));
            ClusterIT.ClusterNode rn = receiverNode >= 0 && k % 2 == 0 ? nodes[receiverNode]
                : nodes[receiverNode >= 0 ? senderNodes.get(k % senderNodes.size()) : k % nodes.length];
            receivers.add(new Client(r, rn));
        }
        for (Client c : receivers) {
            c.connect(c.node);
        }
        for (Client c : senders) {
            c.connect(c.node);
        }
    }

    void start() {
        running.set(true);
        for (int k = 0; k < senders.size(); k++) {
            Client s = senders.get(k);
            EntityBareJid to = JidCreate.entityBareFromOrThrowUnchecked(receivers.get(k).user + "@chorus.test");
            int pair = k;
            Thread t = new Thread(() -> {
                int n = 0;
                while (running.get()) {
                    String id = "p" + pair + "-" + (n++);
                    try {
                        s.connection.sendStanza(StanzaBuilder.buildMessage(id).to(to).ofType(Message.Type.chat)
                            .setBody(id).build());
                        sent.put(id, System.nanoTime());
                    } catch (Exception notConnected) {
                        // not handed to the server: not counted as sent
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "sender-" + k);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    /** The receivers (and senders) that were connected to the dead node log in again on another. */
    void clientsOfDeadNodeReconnect(ClusterIT.ClusterNode dead, ClusterIT.ClusterNode to) throws Exception {
        for (Client c : receivers) {
            if (c.node == dead) {
                reconnect(c, to);
            }
        }
        for (Client c : senders) {
            if (c.node == dead) {
                reconnect(c, to);
            }
        }
    }

    /** Before a node is stopped: its senders log in elsewhere first and close their old stream cleanly. */
    void moveSendersOff(ClusterIT.ClusterNode leaving, ClusterIT.ClusterNode to) throws Exception {
        for (Client c : senders) {
            if (c.node == leaving) {
                XMPPTCPConnection old = c.connection;
                // Another resource, as a second device would: the old stream is not ended by the server
                // (a conflict would race the sender's client, which drops what it queued when the
                // server closes), and its own close hands over everything the client wrote.
                patientConnect(c, to, "m" + MOVES.incrementAndGet());
                old.disconnect();
            }
        }
    }

    /**
     * Logs a client of a dead node in at another, as a mobile client would: each answer awaited up to 30 s, a failed
     * login tried again after half a second. Each failure is counted in {@link #loginFailures}.
     */
    private void reconnect(Client c, ClusterIT.ClusterNode to) throws Exception {
        XMPPTCPConnection old = c.connection;
        patientConnect(c, to, "t");
        try {
            old.instantShutdown();
        } catch (RuntimeException ignored) {
            // already gone
        }
    }

    /**
     * Logs {@code c} in at {@code to} as a mobile client would: each answer awaited up to 30 s, a failed login tried
     * again after half a second, for a minute at most. While a node has just rejoined, sharding moves shards to it, and
     * a bind whose account's shard is being handed over waits for the hand-over (more than 10 s on a loaded 2-core CI
     * machine: stop 25's fresh-clone CI, a move during the rolling restart).
     */
    private void patientConnect(Client c, ClusterIT.ClusterNode to, String resource) throws Exception {
        long start = System.nanoTime();
        long deadline = start + 60_000_000_000L;
        while (true) {
            try {
                c.connect(to, resource, 30_000);
                break;
            } catch (Exception e) {
                loginFailures.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
        slowestReconnectMs.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
    }

    /** Stops sending, waits up to {@code waitMs} for the last messages to settle, and counts. */
    Report stopAndCount(long waitMs) throws Exception {
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        long deadline = System.currentTimeMillis() + waitMs;
        while (System.currentTimeMillis() < deadline && !lost().isEmpty()) {
            Thread.sleep(250);
        }
        Report r = new Report(sent.size(), (int) sent.keySet().stream().filter(received::containsKey).count(),
            (int) sent.keySet().stream().filter(stored::contains).count(),
            (int) sent.keySet().stream().filter(errored::contains).count(), lost());
        for (Client c : receivers) {
            c.connection.disconnect();
        }
        for (Client c : senders) {
            c.connection.disconnect();
        }
        return r;
    }

    private List<String> lost() {
        List<String> out = new ArrayList<>();
        for (String id : sent.keySet()) {
            if (!received.containsKey(id) && !errored.contains(id)) {
                out.add(id);
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Milliseconds from {@code since} until every pair had received a message sent after it: the time
     * for all users to be reachable again.
     */
    long allPairsDeliveredSince(long since) {
        return pairsDeliveredSince(since).stream().mapToLong(Long::longValue).reduce(0,
            (a, b) -> a < 0 || b < 0 ? -1 : Math.max(a, b));
    }

    /**
     * For each pair, in order, the milliseconds from {@code since} until it received the first message sent after it
     * (-1: none), with where its receiver's client was connected at the end.
     */
    List<Long> pairsDeliveredSince(long since) {
        List<Long> out = new ArrayList<>();
        for (int k = 0; k < senders.size(); k++) {
            long first = Long.MAX_VALUE;
            for (Map.Entry<String, Long> e : received.entrySet()) {
                Long sentAt = sent.get(e.getKey());
                if (e.getKey().startsWith("p" + k + "-") && sentAt != null && sentAt > since) {
                    first = Math.min(first, e.getValue());
                }
            }
            out.add(first == Long.MAX_VALUE ? -1 : (first - since) / 1_000_000);
        }
        return out;
    }

}
