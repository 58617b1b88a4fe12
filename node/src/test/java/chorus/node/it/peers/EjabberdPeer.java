package chorus.node.it.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A private ejabberd 23.01 (Debian's package), run with its own {@code ejabberdctl} and a configuration
 * directory, spool (Mnesia) and log directory of its own: client and s2s listeners on its own loopback
 * address and ports, s2s with STARTTLS required, SASL EXTERNAL for certificates from the world's CA and
 * dialback otherwise, a MUC service at {@code conference.DOMAIN}.
 *
 * <p>The Erlang node is private too: a node name and cookie of its own, and distribution on a fixed
 * port on 127.0.0.1 ({@code ERL_DIST_PORT}), so no epmd is started or used. Erlang's resolver reads the
 * {@code inetrc} beside the configuration ({@code ERL_INETRC}, which ejabberdctl sets from the
 * configuration directory): it asks the world's dnsmasq, and no system file. Debian's ejabberdctl
 * refuses every user but root and {@code ejabberd}, and as root it runs ejabberd as {@code ejabberd}
 * (su), so the directory is handed to that account.
 */
final class EjabberdPeer extends LocalPeer {
    private final int distPort;
    private final String node;

    EjabberdPeer(String domain, String ip, Path worldDir) throws Exception {
        super(domain, ip, worldDir.resolve("ejabberd"));
        this.distPort = PeerProcess.freePort("127.0.0.1");
        this.node = "chorus-peer-" + HexFormat.of().formatHex(random(4)) + "@127.0.0.1";
    }

    /** {@code scram}: passwords kept as SCRAM-SHA-1 keys ({@code auth_password_format: scram}), not as they are. */
    void configure(Path certificate, Path key, Path caFile, PeerDns dns, boolean scram) throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.setPosixFilePermissions(etc, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(dir.resolve("spool"));
        Files.createDirectories(dir.resolve("logs"));
        // ejabberd runs as another account when we are root: it gets its own copies of the files it reads.
        Path cert = Files.copy(certificate, etc.resolve("server.crt"));
        Path keyCopy = Files.copy(key, etc.resolve("server.key"));
        Path ca = Files.copy(caFile, etc.resolve("ca.crt"));
        String yml = String.join("\n",
                "# Written by the Chorus peer harness for one test run; loopback only.",
                "hosts: [\"" + domain + "\"]",
                "loglevel: info",
                "certfiles:",
                "  - \"" + cert + "\"",
                "  - \"" + keyCopy + "\"",
                "ca_file: \"" + ca + "\"",
                "s2s_use_starttls: required",
                "outgoing_s2s_families: [ipv4]",
                // After a failed connection ejabberd waits a random time up to this before it tries that domain
                // again (default 300 s), answering remote-server-timeout meanwhile: a test world whose servers start
                // one after another needs it short.
                "s2s_max_retry_delay: 5",
                "auth_method: internal",
                "auth_password_format: " + (scram ? "scram" : "plain"),
                "listen:",
                "  - port: " + c2sPort,
                "    ip: \"" + ip + "\"",
                "    module: ejabberd_c2s",
                "    starttls_required: true",
                "  - port: " + s2sPort,
                "    ip: \"" + ip + "\"",
                "    module: ejabberd_s2s_in",
                "acl:",
                "  local:",
                "    user_regexp: \"\"",
                "access_rules:",
                "  local:",
                "    allow: local",
                "  c2s:",
                "    allow: all",
                "  s2s:",
                "    allow: all",
                "shaper_rules:",
                "  c2s_shaper: none",
                "  s2s_shaper: none",
                "modules:",
                "  mod_roster: {}",
                "  mod_disco: {}",
                "  mod_ping: {}",
                "  mod_vcard: {}",
                "  mod_offline: {}",
                "  mod_version: {}",
                "  mod_time: {}",
                "  mod_private: {}",
                "  mod_privacy: {}",
                "  mod_blocking: {}",
                "  mod_carboncopy: {}",
                "  mod_caps: {}",
                "  mod_stream_mgmt: {}",
                "  mod_s2s_dialback: {}",
                "  mod_admin_extra: {}",
                "  mod_muc:",
                "    host: \"" + mucDomain() + "\"",
                "    access_create: all",
                "  mod_pubsub:",
                "    plugins: [\"flat\", \"pep\"]",
                "");
        Files.writeString(etc.resolve("ejabberd.yml"), yml);
        // Erlang's resolver (kernel's inet_res): SRV records from the world's dnsmasq, no /etc/resolv.conf, no /etc/hosts.
        Files.writeString(etc.resolve("inetrc"), String.join("\n",
                "{resolv_conf, \"\"}.",
                "{hosts_file, \"\"}.",
                "{nameserver, {" + dns.ip().replace('.', ',') + "}, " + dns.port() + "}.",
                "{lookup, [file, dns]}.",
                ""));
        String cookie = HexFormat.of().formatHex(random(16));
        Files.writeString(ctlConfig(), String.join("\n",
                "ERLANG_NODE=" + node,
                "ERL_DIST_PORT=" + distPort,
                "INET_DIST_INTERFACE=127.0.0.1",
                "ERL_OPTIONS=\"-setcookie " + cookie + "\"",
                "EJABBERD_BYPASS_WARNINGS=true",
                ""));
        if (PeerProcess.isRoot()) {
            handOver(dir);
        }
    }

    void start() throws Exception {
        process = PeerProcess.start("ejabberd", ctl("foreground"), Map.of(), dir, dir.resolve("console.log"));
        // The listeners first: this fails at once when the node exits (a bad option), where "started" would poll for a minute.
        process.awaitPort(ip, c2sPort, Duration.ofSeconds(60));
        // ejabberdctl's "started" polls for a minute even when the node has died; this stops at once then.
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        PeerProcess.Result status = null;
        while (process.process.isAlive() && System.nanoTime() < deadline) {
            status = PeerProcess.run(ctl("status"), Map.of(), dir, Duration.ofSeconds(30));
            if (status.code() == 0) {
                break;
            }
            Thread.sleep(500);
        }
        if (status == null || status.code() != 0 || !process.process.isAlive()) {
            throw new IllegalStateException("ejabberd did not start: " + (status == null ? "" : status.output()) + "\n" + logs());
        }
        process.awaitPort(ip, s2sPort, Duration.ofSeconds(10));
    }

    @Override
    public void register(String user, String password) throws Exception {
        PeerProcess.Result r = PeerProcess.run(ctl("register", user, domain, password), Map.of(), dir, Duration.ofSeconds(60));
        if (r.code() != 0) {
            throw new IllegalStateException("ejabberdctl register " + user + "@" + domain + " failed (" + r.code() + "): " + r.output());
        }
    }

    @Override
    public boolean hasOfflineMessages(String user) throws Exception {
        PeerProcess.Result r = PeerProcess.run(ctl("get_offline_count", user, domain), Map.of(), dir, Duration.ofSeconds(30));
        return r.code() == 0 && !r.output().strip().equals("0");
    }

    /** {@code ejabberdctl stop}, then waits for the node to end; kills what is left of our process after that. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        try {
            if (process.process.isAlive()) {
                PeerProcess.run(ctl("stop"), Map.of(), dir, Duration.ofSeconds(60));
                process.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // fall through to the kill
        } finally {
            process.close();
        }
    }

    /**
     * {@code ejabberdctl export_piefxis DIR}: a main file that XIncludes one file per host. ejabberd writes as its
     * own account, so the files are made in a directory of its own here and copied to {@code into}.
     */
    @Override
    public List<Path> exportPortable(Path into) throws Exception {
        Path out = Files.createDirectories(dir.resolve("pie-export"));
        if (PeerProcess.isRoot()) {
            handOver(out);
        }
        PeerProcess.Result r = PeerProcess.run(ctl("export_piefxis", out.toString()), Map.of(), dir, Duration.ofSeconds(120));
        if (r.code() != 0) {
            throw new IllegalStateException("ejabberdctl export_piefxis failed (" + r.code() + "): " + r.output());
        }
        Files.createDirectories(into);
        List<Path> copied = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.sorted().toList()) {
                copied.add(Files.copy(f, into.resolve(f.getFileName())));
            }
        }
        return copied;
    }

    @Override
    public String version() {
        return debianVersion("ejabberd", "ejabberd", dir);
    }

    @Override
    public String logs() {
        StringBuilder s = new StringBuilder("--- ejabberd console:\n").append(process == null ? "" : process.output());
        try {
            Path log = dir.resolve("logs").resolve("ejabberd.log");
            if (Files.exists(log)) {
                s.append("--- ejabberd.log:\n").append(Files.readString(log));
            }
        } catch (IOException e) {
            s.append(e);
        }
        return s.toString();
    }

    private List<String> ctl(String... args) {
        Path ejabberdctl = PeerProcess.require("ejabberdctl", "ejabberd");
        List<String> cmd = new ArrayList<>(List.of(ejabberdctl.toString(),
                "--config-dir", dir.resolve("etc").toString(), "--ctl-config", ctlConfig().toString(),
                "--spool", dir.resolve("spool").toString(), "--logs", dir.resolve("logs").toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Path ctlConfig() {
        return dir.resolve("etc").resolve("ejabberdctl.cfg");
    }

    /** Gives the directory tree to the ejabberd account, the one Debian's ejabberdctl runs the server as. */
    private static void handOver(Path root) throws IOException {
        UserPrincipalLookupService users = root.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user;
        GroupPrincipal group;
        try {
            user = users.lookupPrincipalByName("ejabberd");
            group = users.lookupPrincipalByGroupName("ejabberd");
        } catch (IOException e) {
            throw new IllegalStateException("no ejabberd account: is the Debian package ejabberd installed?", e);
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                view.setOwner(user);
                view.setGroup(group);
            }
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }





}
