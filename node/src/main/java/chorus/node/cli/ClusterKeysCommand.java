package chorus.node.cli;

import chorus.node.tls.ClusterKeys;
import chorus.node.tls.TlsSetupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * {@code chorusctl cluster-keys}: the keys of the cluster link (TLS with mutual authentication between
 * nodes). Works offline, on files only: make the cluster's CA once, then one key directory per node.
 */
@Command(name = "cluster-keys", description = "Make the cluster link's keys: a private CA, and a key and certificate per node.",
    subcommands = {ClusterKeysCommand.Ca.class, ClusterKeysCommand.Node.class})
final class ClusterKeysCommand {

    @Command(name = "ca", description = "Create the cluster's CA in DIR: ca.key (keep it secret, off the nodes) and ca.crt.")
    static final class Ca implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "DIR") Path dir;

        @Override
        public Integer call() {
            try {
                ClusterKeys.createCa(dir, Clock.systemUTC());
            } catch (TlsSetupException e) {
                throw new Chorusctl.Failure(e.getMessage());
            }
            spec.commandLine().getOut().println("cluster CA created: " + dir.resolve(ClusterKeys.CA_KEY) + " (secret), "
                + dir.resolve(ClusterKeys.CA));
            return 0;
        }
    }

    @Command(name = "node", description = "Issue a node's key and certificate, signed by the CA, into OUT_DIR "
        + "(tls.key, tls.crt, ca.crt): the node's CHORUS_CLUSTER_TLS_DIR.")
    static final class Node implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--ca", required = true, paramLabel = "DIR", description = "the directory of the cluster's CA")
        Path ca;
        @Option(names = "--cluster-name", defaultValue = ClusterKeys.DEFAULT_CLUSTER_NAME,
            description = "the subject name every node of the cluster shares (default: ${DEFAULT-VALUE})")
        String clusterName;
        @Option(names = "--node-name", description = "a name of this node, added to its certificate")
        String nodeName;
        @Parameters(index = "0", paramLabel = "OUT_DIR") Path out;

        @Override
        public Integer call() {
            try {
                ClusterKeys.issueNode(ca, out, clusterName, nodeName, Clock.systemUTC());
            } catch (TlsSetupException e) {
                throw new Chorusctl.Failure(e.getMessage());
            }
            spec.commandLine().getOut().println("node keys written to " + out + " (" + ClusterKeys.KEY + " is secret)");
            return 0;
        }
    }
}
