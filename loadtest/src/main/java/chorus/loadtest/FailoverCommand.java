package chorus.loadtest;

import chorus.loadtest.scenario.Failover;
import chorus.loadtest.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;

/** {@code failover}: chat over a cluster's nodes while one node's process is killed (issue 18). */
@Command(name = "failover", description = "Chat over a cluster while one node is killed with SIGKILL: re-logins and "
    + "the time until every message is delivered within a second again.")
final class FailoverCommand extends LoadTest.ScenarioCommand {
    @Option(names = "--rate", description = "messages per second in total (default ${DEFAULT-VALUE})")
    double rate = 200;
    @Option(names = "--before", description = "seconds of chat before the kill (default ${DEFAULT-VALUE})")
    int before = 20;
    @Option(names = "--after", description = "seconds of chat after the kill (default ${DEFAULT-VALUE})")
    int after = 60;
    @Option(names = "--kill-pid", required = true, description = "the process id of the node to kill")
    long killPid;
    @Option(names = "--kill-target", required = true, description = "that node's client address, HOST:PORT (one of -t)")
    String killTarget;
    @Option(names = "--drain", description = "seconds to wait for messages in flight (default ${DEFAULT-VALUE})")
    int drain = 20;
    @Option(names = "--body-size", description = "body length in characters (default ${DEFAULT-VALUE})")
    int bodySize = 100;

    @Override
    Scenario scenario() {
        int colon = killTarget.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("--kill-target must be HOST:PORT, not " + killTarget);
        }
        InetSocketAddress target = new InetSocketAddress(killTarget.substring(0, colon),
            Integer.parseInt(killTarget.substring(colon + 1)));
        return new Failover(rate, Duration.ofSeconds(before), Duration.ofSeconds(after), killPid, target,
            Duration.ofSeconds(drain), bodySize);
    }
}
