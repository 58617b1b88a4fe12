package chorus.loadtest.capacity;

/**
 * From measured unit costs and a traffic profile to the size of a deployment: how many Chorus nodes (CPU and heap,
 * with one node down), and how much Cassandra (CPU and disk). Every input is a number someone can check: the costs
 * come from load runs (loadtest/RESULTS.md names each), the traffic is an assumption the reader can change. The
 * arithmetic is deliberately plain: steady rates times costs, divided by what one machine offers at a target
 * utilization, rounded up.
 */
public final class CapacityModel {
    private CapacityModel() {
    }

    /**
     * What the server spends, measured.
     *
     * @param heapPerSessionKiB  live heap of an online session and its account's entities
     * @param nodeCpuPerLoginMs  a Chorus node's CPU for one login (TLS, SASL, bind, roster, presence, the entity's recovery)
     * @param nodeCpuPerDeliveryUs a Chorus node's CPU for one delivered stanza (message, or presence to one contact)
     * @param cassCpuPerLoginMs  Cassandra's CPU for one login (the entities' recovery reads), at replication factor 1
     * @param cassCpuPerMessageUs Cassandra's CPU for one message (archive writes), at replication factor 1
     * @param archivedBytesPerMessage bytes on disk per message in the archive (both accounts' copies), before replication
     */
    public record Costs(double heapPerSessionKiB, double nodeCpuPerLoginMs, double nodeCpuPerDeliveryUs,
                        double cassCpuPerLoginMs, double cassCpuPerMessageUs, double archivedBytesPerMessage) {
    }

    /**
     * The busiest hour, per online user.
     *
     * @param messagesPerHour        one-to-one messages sent
     * @param deliveriesPerMessage   copies delivered per message (the recipient's clients, carbons to the sender's)
     * @param presenceChangesPerHour presence broadcasts
     * @param contactsOnline         online contacts each broadcast reaches
     * @param loginsPerHour          full logins (a new connection that is not an XEP-0198 resumption)
     * @param archiveRetentionHours  how long the archive keeps a message (the privacy policy's 72 h)
     */
    public record Traffic(double messagesPerHour, double deliveriesPerMessage, double presenceChangesPerHour,
                          double contactsOnline, double loginsPerHour, double archiveRetentionHours) {
    }

    /**
     * One machine of each kind, and how hard it may run.
     *
     * @param nodeCores         cores of a Chorus node
     * @param nodeHeapGiB       a node's heap
     * @param heapFill          the share of the heap sessions may fill (the rest: garbage collection headroom)
     * @param cpuTarget         CPU share of a node's cores in the busiest hour, all nodes up
     * @param cpuFailover       CPU share allowed while one node is down and its users log in again
     * @param failoverSeconds   how fast the users of a dead node must be logged in again elsewhere
     * @param cassCores         cores of a Cassandra node
     * @param cassCpuTarget     CPU share of a Cassandra node in the busiest hour
     * @param cassDiskGiB       usable disk of a Cassandra node
     * @param cassDiskFill      the share of it data may fill (the rest: compaction headroom)
     * @param replicationFactor Cassandra's replication factor
     */
    public record Machines(int nodeCores, double nodeHeapGiB, double heapFill, double cpuTarget, double cpuFailover,
                           double failoverSeconds, int cassCores, double cassCpuTarget, double cassDiskGiB,
                           double cassDiskFill, int replicationFactor) {
    }

    /**
     * The deployment for {@code users} online at once.
     *
     * @param nodesForCpu    Chorus nodes the busiest hour needs by CPU
     * @param nodesForHeap   Chorus nodes the sessions need by heap
     * @param nodes          Chorus nodes: enough for both with one node down, its users logging in again
     * @param nodeCpuCores   the Chorus nodes' CPU in the busiest hour, in cores
     * @param deliveriesPerSecond messages and presences delivered per second
     * @param loginsPerSecond logins per second, all nodes up
     * @param failoverLoginsPerSecond logins per second on the survivors when one node dies
     * @param cassNodes      Cassandra nodes: the larger of CPU and disk, at least the replication factor
     * @param cassCpuCores   Cassandra's CPU in the busiest hour, replication included, in cores
     * @param archiveTiB     the archive on disk, replication included
     */
    public record Deployment(long users, int nodesForCpu, int nodesForHeap, int nodes, double nodeCpuCores,
                             double deliveriesPerSecond, double loginsPerSecond, double failoverLoginsPerSecond,
                             int cassNodes, double cassCpuCores, double archiveTiB) {
    }

    public static Deployment size(long users, Costs c, Traffic t, Machines m) {
        double messages = users * t.messagesPerHour() / 3600;
        double deliveries = messages * t.deliveriesPerMessage() + users * t.presenceChangesPerHour() * t.contactsOnline() / 3600;
        double logins = users * t.loginsPerHour() / 3600;
        double nodeCpu = deliveries * c.nodeCpuPerDeliveryUs() / 1e6 + logins * c.nodeCpuPerLoginMs() / 1e3;
        int forCpu = atLeastOne(Math.ceil(nodeCpu / (m.nodeCores() * m.cpuTarget())));
        double sessionsPerNode = m.nodeHeapGiB() * m.heapFill() * 1024 * 1024 / c.heapPerSessionKiB();
        int forHeap = atLeastOne(Math.ceil(users / sessionsPerNode));
        // One node down: the survivors hold its sessions and take its users' logins within failoverSeconds.
        int n = Math.max(2, Math.max(forCpu, forHeap));
        while (true) {
            double again = (double) users / n / m.failoverSeconds();
            double survivorsCpu = nodeCpu + again * c.nodeCpuPerLoginMs() / 1e3;
            boolean cpuOk = survivorsCpu <= (n - 1) * m.nodeCores() * m.cpuFailover();
            boolean heapOk = users <= (n - 1) * sessionsPerNode;
            if (cpuOk && heapOk) {
                break;
            }
            n++;
        }
        double failoverLogins = (double) users / n / m.failoverSeconds();
        double cassCpu = (messages * c.cassCpuPerMessageUs() / 1e6 + logins * c.cassCpuPerLoginMs() / 1e3)
            * m.replicationFactor();
        double archiveBytes = messages * 3600 * t.archiveRetentionHours() * c.archivedBytesPerMessage() * m.replicationFactor();
        int cassForCpu = (int) Math.ceil(cassCpu / (m.cassCores() * m.cassCpuTarget()));
        int cassForDisk = (int) Math.ceil(archiveBytes / (m.cassDiskGiB() * m.cassDiskFill() * Math.pow(1024, 3)));
        int cass = Math.max(m.replicationFactor(), Math.max(cassForCpu, cassForDisk));
        return new Deployment(users, forCpu, forHeap, n, nodeCpu, deliveries, logins, failoverLogins, cass, cassCpu,
            archiveBytes / Math.pow(1024, 4));
    }

    private static int atLeastOne(double v) {
        return (int) Math.max(1, v);
    }
}
