package chorus.loadtest.scenario;

import chorus.loadtest.client.Accounts;
import chorus.loadtest.client.Connector;
import chorus.loadtest.metrics.JvmHeap;
import chorus.loadtest.metrics.Metrics;
import chorus.loadtest.metrics.ProcessProbe;
import chorus.loadtest.metrics.Sampler;
import chorus.loadtest.report.Report;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** What a scenario runs with: the connector, the accounts, the metrics, the report, the deadline. */
public final class RunContext {
    private final Connector connector;
    private final Accounts accounts;
    private final Metrics metrics;
    private final Report report;
    private final Deadline deadline;
    private final LoginPolicy login;
    private final List<ProcessProbe> servers;
    private final boolean serverHeap;
    private final PrintStream out;
    private final String runId = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private volatile Supplier<String> status = () -> "";
    private volatile Sampler sampler;

    public RunContext(Connector connector, Accounts accounts, Metrics metrics, Report report, Deadline deadline,
                      LoginPolicy login, List<ProcessProbe> servers, boolean serverHeap, PrintStream out) {
        this.connector = connector;
        this.accounts = accounts;
        this.metrics = metrics;
        this.report = report;
        this.deadline = deadline;
        this.login = login;
        this.servers = List.copyOf(servers);
        this.serverHeap = serverHeap;
        this.out = out;
    }

    public Connector connector() {
        return connector;
    }

    public Accounts accounts() {
        return accounts;
    }

    public Metrics metrics() {
        return metrics;
    }

    public Report report() {
        return report;
    }

    public Deadline deadline() {
        return deadline;
    }

    public LoginPolicy login() {
        return login;
    }

    /** Tells messages of this run from those of earlier runs. */
    public String runId() {
        return runId;
    }

    public void sampler(Sampler s) {
        this.sampler = s;
    }

    /** What the progress line shows for the scenario. */
    public void status(Supplier<String> s) {
        this.status = s;
    }

    public String status() {
        return status.get();
    }

    public void say(String line) {
        Sampler s = sampler;
        if (s != null) {
            s.say(line);
        } else {
            out.println(line);
        }
    }

    /** Counts a failure by its short reason. */
    public void failure(String reason) {
        failures.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    public Map<String, Long> failures() {
        Map<String, Long> out = new TreeMap<>();
        failures.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** The server processes watched (--server-pid), in the order given. */
    public List<ProcessProbe> servers() {
        return servers;
    }

    /** RSS of the first server process, NaN without one. */
    public double serverRss() {
        return servers.isEmpty() ? Double.NaN : servers.get(0).rssBytes();
    }

    /** Live heap of the first server process after a full GC, when asked for and it is a JVM; NaN otherwise. */
    public double serverLiveHeap() {
        if (!serverHeap || servers.isEmpty() || !JvmHeap.isJvm(servers.get(0).pid())) {
            return Double.NaN;
        }
        return JvmHeap.liveHeapBytes(servers.get(0).pid());
    }

    /** User plus system CPU seconds of all watched server processes together (a node and its Cassandra); NaN without one. */
    public double serverCpuSeconds() {
        return servers.isEmpty() ? Double.NaN : servers.stream().mapToDouble(ProcessProbe::cpuSeconds).sum();
    }

    public boolean hasServerProcess() {
        return !servers.isEmpty();
    }

    /** Sleeps, but not past the deadline; false when the deadline cut it short. */
    public boolean pause(java.time.Duration d) throws InterruptedException {
        long until = deadline.until(d);
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 200)));
        }
        return !deadline.passed();
    }
}
