package chorus.loadtest;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How a scenario run is paced, bounded, observed and reported. */
public final class RunOptions {
    @Option(names = "--login-rate", description = "new logins per second, 0 for no limit (default ${DEFAULT-VALUE})")
    double loginRate = 500;

    @Option(names = "--login-concurrency", description = "logins in progress at once, at most (default ${DEFAULT-VALUE})")
    int loginConcurrency = 200;

    @Option(names = "--server-pid", paramLabel = "LABEL=PID",
        description = "a server process to sample (CPU, RSS) each second; repeatable, e.g. chorus=1234 cassandra=1300")
    List<String> serverPids = new ArrayList<>();

    @Option(names = "--server-heap",
        description = "for a JVM server (the first --server-pid): live heap via jcmd GC.run and GC.heap_info (forces full GCs)")
    boolean serverHeap;

    @Option(names = "--chorus-admin", paramLabel = "URL", description = "a Chorus node's admin API, e.g. http://127.0.0.1:5290, for its session count")
    String chorusAdmin;

    @Option(names = "--chorus-token", paramLabel = "FILE", description = "the node's admin token file (DATA_DIR/admin.token)")
    Path chorusToken;

    @Option(names = "--out", description = "directory for the reports (default: $LOADTEST_OUT or ${DEFAULT-VALUE})")
    Path out = Path.of(System.getenv().getOrDefault("LOADTEST_OUT", "loadtest-results"));

    @Option(names = "--label", description = "the server's name in reports (default ${DEFAULT-VALUE})")
    String label = "server";

    @Option(names = "--variant", description = "a name added to the scenario's in reports, to tell runs of one scenario apart (e.g. 10k)")
    String variant;

    @Option(names = "--max-time", description = "seconds after which the run stops, whatever happens (default ${DEFAULT-VALUE})")
    int maxTimeSeconds = 1800;
}
