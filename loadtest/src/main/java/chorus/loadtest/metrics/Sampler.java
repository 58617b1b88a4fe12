package chorus.loadtest.metrics;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Once a second: a row of the timeline (the metrics, the server processes' CPU and RSS, the generator's
 * own, the machine's load, the server's session count when known) and a progress line.
 */
public final class Sampler implements AutoCloseable {
    private final Metrics metrics;
    private final Timeline timeline;
    private final List<ProcessProbe> servers;
    private final ProcessProbe self = ProcessProbe.self();
    private final DoubleSupplier serverSessions;
    private final Supplier<String> progress;
    private final PrintStream out;
    private final boolean terminal;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loadtest-sampler");
        t.setDaemon(true);
        return t;
    });
    private final long start = System.nanoTime();
    private long last = start;
    private final Map<String, double[]> cpuLast = new LinkedHashMap<>();
    private final Map<String, ServerFigures> figures = new LinkedHashMap<>();
    private String lastProgress = "";
    private long lastPrinted;

    /** What the run saw of one process: CPU seconds over the run, RSS at the start, the end and the peak. */
    public static final class ServerFigures {
        public double cpuStart = Double.NaN;
        public double cpuEnd = Double.NaN;
        public double rssStart = Double.NaN;
        public double rssEnd = Double.NaN;
        public double rssMax = Double.NaN;

        public double cpuSeconds() {
            return cpuEnd - cpuStart;
        }
    }

    public Sampler(Metrics metrics, Timeline timeline, List<ProcessProbe> servers, DoubleSupplier serverSessions,
                   Supplier<String> progress, PrintStream out) {
        this.metrics = metrics;
        this.timeline = timeline;
        this.servers = List.copyOf(servers);
        this.serverSessions = serverSessions;
        this.progress = progress;
        this.out = out;
        this.terminal = System.console() != null;
        for (ProcessProbe p : this.servers) {
            ServerFigures f = new ServerFigures();
            f.cpuStart = p.cpuSeconds();
            f.rssStart = p.rssBytes();
            figures.put(p.label(), f);
            cpuLast.put(p.label(), new double[] {f.cpuStart});
        }
        ServerFigures g = new ServerFigures();
        g.cpuStart = self.cpuSeconds();
        g.rssStart = self.rssBytes();
        figures.put(self.label(), g);
        cpuLast.put(self.label(), new double[] {g.cpuStart});
    }

    public Sampler start() {
        timer.scheduleAtFixedRate(this::tickSafely, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            out.println("loadtest: sampling failed: " + e);
        }
    }

    private synchronized void tick() {
        long now = System.nanoTime();
        double interval = Math.max(1e-3, (now - last) / 1e9);
        last = now;
        timeline.row(Math.round((now - start) / 1e7) / 100.0);
        metrics.tick(timeline, interval);
        StringBuilder srv = new StringBuilder();
        for (ProcessProbe p : servers) {
            double cpu = sampleProcess(p, interval);
            double rss = figures.get(p.label()).rssEnd;
            srv.append(String.format(Locale.ROOT, " | %s cpu %.0f%% rss %s", p.label(), cpu, mib(rss)));
        }
        double genCpu = sampleProcess(self, interval);
        double load = ProcessProbe.loadAverage();
        timeline.put("machine.load1", load);
        if (serverSessions != null) {
            timeline.put("server.sessions", serverSessions.getAsDouble());
        }
        lastProgress = String.format(Locale.ROOT, "[%5.0fs] %s%s | generator cpu %.0f%% | load %.2f",
            (now - start) / 1e9, progress.get(), srv, genCpu, load);
        print(false);
    }

    /** Samples a process into the timeline; returns its CPU % over the interval. */
    private double sampleProcess(ProcessProbe p, double interval) {
        ServerFigures f = figures.get(p.label());
        double cpu = p.cpuSeconds();
        double rss = p.rssBytes();
        double[] lastCpu = cpuLast.get(p.label());
        double pct = (cpu - lastCpu[0]) / interval * 100.0;
        lastCpu[0] = cpu;
        timeline.put(p.label() + ".cpu_pct", pct);
        timeline.put(p.label() + ".rss_mib", rss / (1024 * 1024));
        if (Double.isFinite(cpu)) {
            f.cpuEnd = cpu;
        }
        if (Double.isFinite(rss)) {
            f.rssEnd = rss;
            f.rssMax = Double.isNaN(f.rssMax) ? rss : Math.max(f.rssMax, rss);
        }
        return pct;
    }

    private void print(boolean always) {
        long now = System.nanoTime();
        if (terminal) {
            out.print("\r" + lastProgress + "\u001b[K");
            out.flush();
        } else if (always || now - lastPrinted >= TimeUnit.SECONDS.toNanos(5)) {
            out.println(lastProgress);
            lastPrinted = now;
        }
    }

    /** Says something on its own line, without breaking the progress line. */
    public synchronized void say(String line) {
        if (terminal) {
            out.print("\r\u001b[K");
        }
        out.println(line);
        if (terminal && !lastProgress.isEmpty()) {
            out.print(lastProgress);
            out.flush();
        }
    }

    /** A process's figures, by label; the generator's is "generator". */
    public synchronized Map<String, ServerFigures> figures() {
        return new LinkedHashMap<>(figures);
    }

    public List<ProcessProbe> servers() {
        return servers;
    }

    /** The current RSS of the first server process, or NaN. */
    public double serverRss() {
        return servers.isEmpty() ? Double.NaN : servers.get(0).rssBytes();
    }

    static String mib(double bytes) {
        return Double.isFinite(bytes) ? String.format(Locale.ROOT, "%.0fM", bytes / (1024 * 1024)) : "?";
    }

    /** Takes a last sample and stops. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tick();
        print(true);
        if (terminal) {
            out.println();
        }
    }
}
