package chorus.node.it.peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What every peer server of the harness has: its domain, address, ports and directory, and its process. */
abstract class LocalPeer implements PeerServer {
    final String domain;
    final String ip;
    final Path dir;
    final int c2sPort;
    final int s2sPort;
    PeerProcess process;

    LocalPeer(String domain, String ip, Path dir) throws Exception {
        this.domain = domain;
        this.ip = ip;
        this.dir = Files.createDirectories(dir);
        this.c2sPort = PeerProcess.freePort(ip);
        this.s2sPort = PeerProcess.freePort(ip);
    }

    /** {@code <name> <version of the Debian package>}, for reports. */
    static String debianVersion(String name, String debianPackage, Path workDir) {
        try {
            PeerProcess.Result r = PeerProcess.run(List.of("dpkg-query", "-W", "-f=${Version}", debianPackage), Map.of(),
                    workDir, Duration.ofSeconds(10));
            return name + " " + r.output().trim();
        } catch (Exception e) {
            return name + " (version unknown)";
        }
    }

    @Override
    public String domain() {
        return domain;
    }

    @Override
    public String ip() {
        return ip;
    }

    @Override
    public int c2sPort() {
        return c2sPort;
    }

    @Override
    public int s2sPort() {
        return s2sPort;
    }

    @Override
    public Path directory() {
        return dir;
    }
}
