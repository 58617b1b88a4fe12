package chorus.loadtest.capacity;

import chorus.loadtest.capacity.CapacityModel.Costs;
import chorus.loadtest.capacity.CapacityModel.Deployment;
import chorus.loadtest.capacity.CapacityModel.Machines;
import chorus.loadtest.capacity.CapacityModel.Traffic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code scripts/loadtest.sh capacity}: the deployment each number of online users needs, as a Markdown table. The
 * defaults of the costs are measured figures (loadtest/RESULTS.md, section "Capacity model", says where each comes
 * from); those of the traffic and the machines are assumptions, printed with the table so that nobody mistakes them
 * for measurements.
 */
@Command(name = "capacity", mixinStandardHelpOptions = true,
    description = "Chorus nodes and Cassandra a deployment needs, from measured costs and a traffic profile.")
public final class CapacityCommand implements Callable<Integer> {
    @Option(names = "--users", split = ",", description = "online users at once (default ${DEFAULT-VALUE})")
    List<Long> users = List.of(100_000L, 1_000_000L, 10_000_000L);

    @Option(names = "--heap-per-session-kib", description = "measured (default ${DEFAULT-VALUE})")
    double heapPerSessionKiB = 33.9;
    @Option(names = "--node-cpu-per-login-ms", description = "measured (default ${DEFAULT-VALUE})")
    double nodeCpuPerLoginMs = 14.9;
    @Option(names = "--node-cpu-per-delivery-us", description = "measured (default ${DEFAULT-VALUE})")
    double nodeCpuPerDeliveryUs = 145;
    @Option(names = "--cassandra-cpu-per-login-ms", description = "measured (default ${DEFAULT-VALUE})")
    double cassCpuPerLoginMs = 4.9;
    @Option(names = "--cassandra-cpu-per-message-us", description = "measured (default ${DEFAULT-VALUE})")
    double cassCpuPerMessageUs = 147;
    @Option(names = "--archived-bytes-per-message", description = "assumed (default ${DEFAULT-VALUE})")
    double archivedBytesPerMessage = 1200;

    @Option(names = "--messages-per-hour", description = "per online user, busiest hour (default ${DEFAULT-VALUE})")
    double messagesPerHour = 20;
    @Option(names = "--deliveries-per-message", description = "default ${DEFAULT-VALUE}")
    double deliveriesPerMessage = 2;
    @Option(names = "--presence-per-hour", description = "default ${DEFAULT-VALUE}")
    double presenceChangesPerHour = 4;
    @Option(names = "--contacts-online", description = "default ${DEFAULT-VALUE}")
    double contactsOnline = 15;
    @Option(names = "--logins-per-hour", description = "default ${DEFAULT-VALUE}")
    double loginsPerHour = 2;
    @Option(names = "--retention-hours", description = "default ${DEFAULT-VALUE}")
    double retentionHours = 72;

    @Option(names = "--node-cores", description = "default ${DEFAULT-VALUE}")
    int nodeCores = 16;
    @Option(names = "--node-heap-gib", description = "default ${DEFAULT-VALUE}")
    double nodeHeapGiB = 24;
    @Option(names = "--heap-fill", description = "default ${DEFAULT-VALUE}")
    double heapFill = 0.5;
    @Option(names = "--cpu-target", description = "default ${DEFAULT-VALUE}")
    double cpuTarget = 0.5;
    @Option(names = "--cpu-failover", description = "default ${DEFAULT-VALUE}")
    double cpuFailover = 0.8;
    @Option(names = "--failover-seconds", description = "default ${DEFAULT-VALUE}")
    double failoverSeconds = 60;
    @Option(names = "--cassandra-cores", description = "default ${DEFAULT-VALUE}")
    int cassCores = 16;
    @Option(names = "--cassandra-cpu-target", description = "default ${DEFAULT-VALUE}")
    double cassCpuTarget = 0.5;
    @Option(names = "--cassandra-disk-gib", description = "default ${DEFAULT-VALUE}")
    double cassDiskGiB = 2048;
    @Option(names = "--cassandra-disk-fill", description = "default ${DEFAULT-VALUE}")
    double cassDiskFill = 0.5;
    @Option(names = "--replication-factor", description = "default ${DEFAULT-VALUE}")
    int replicationFactor = 3;

    @Override
    public Integer call() {
        Costs c = new Costs(heapPerSessionKiB, nodeCpuPerLoginMs, nodeCpuPerDeliveryUs, cassCpuPerLoginMs,
            cassCpuPerMessageUs, archivedBytesPerMessage);
        Traffic t = new Traffic(messagesPerHour, deliveriesPerMessage, presenceChangesPerHour, contactsOnline,
            loginsPerHour, retentionHours);
        Machines m = new Machines(nodeCores, nodeHeapGiB, heapFill, cpuTarget, cpuFailover, failoverSeconds, cassCores,
            cassCpuTarget, cassDiskGiB, cassDiskFill, replicationFactor);
        System.out.println(render(c, t, m, users));
        return 0;
    }

    static String render(Costs c, Traffic t, Machines m, List<Long> users) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "costs (measured): %s%ntraffic per online user, busiest hour (assumed): %s%n"
            + "machines (assumed): %s%n%n", c, t, m));
        b.append("| online users | deliveries/s | logins/s | Chorus nodes: by CPU / by heap / with one down |"
            + " node CPU, cores | logins/s on the survivors | Cassandra nodes | Cassandra CPU, cores | archive on disk |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (long u : users) {
            Deployment d = CapacityModel.size(u, c, t, m);
            b.append(String.format(Locale.ROOT, "| %,d | %,.0f | %,.0f | %d / %d / **%d** | %.1f | %,.0f | **%d** | %.1f | %.2f TiB |%n",
                u, d.deliveriesPerSecond(), d.loginsPerSecond(), d.nodesForCpu(), d.nodesForHeap(), d.nodes(),
                d.nodeCpuCores(), d.failoverLoginsPerSecond(), d.cassNodes(), d.cassCpuCores(), d.archiveTiB()));
        }
        return b.toString();
    }
}
