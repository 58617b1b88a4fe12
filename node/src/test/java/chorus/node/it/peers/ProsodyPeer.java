package chorus.node.it.peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A private Prosody 0.12 (Debian's package): its own configuration, data, pid and log files under the
 * world's directory, listening for clients and servers on its own loopback address and ports only, s2s
 * with TLS required and both SASL EXTERNAL (XEP-0178, certificates from the world's CA) and dialback
 * (XEP-0220), a MUC service at {@code conference.DOMAIN}. Names resolve through libunbound pointed at
 * the world's DNS. Accounts are made with {@code prosodyctl register}. Never the system service.
 */
final class ProsodyPeer extends LocalPeer {
    /** An external component (XEP-0114) this Prosody accepts, or null. */
    private String componentDomain;
    private String componentSecret;
    private int componentPort;

    ProsodyPeer(String domain, String ip, Path worldDir) throws Exception {
        super(domain, ip, worldDir.resolve("prosody"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    /** Lets an external component serve {@code domain} (a subdomain) with {@code secret}; call before configure. */
    void acceptComponent(String domain, String secret) throws Exception {
        componentDomain = domain;
        componentSecret = secret;
        componentPort = PeerProcess.freePort(ip);
    }

    int componentPort() {
        return componentPort;
    }

    /** Writes the configuration; {@code secureAuth} is Prosody's s2s_secure_auth (valid certificates only). */
    void configure(Path certificate, Path key, Path caFile, PeerDns dns, boolean secureAuth, boolean vcardTemp)
            throws Exception {
        Files.createDirectories(dir.resolve("data"));
        boolean root = PeerProcess.isRoot();
        String ssl = "ssl = { certificate = " + lua(certificate) + ", key = " + lua(key) + ", cafile = " + lua(caFile) + " }";
        String config = String.join("\n",
                "-- Written by the Chorus peer harness for one test run; loopback only.",
                "run_as_root = " + root,
                "pidfile = " + lua(dir.resolve("prosody.pid")),
                "data_path = " + lua(dir.resolve("data")),
                "certificates = " + lua(certificate.getParent()),
                "interfaces = { " + lua(ip) + " }",
                "local_interfaces = { " + lua(ip) + " }",
                "c2s_ports = { " + c2sPort + " }",
                "c2s_direct_tls_ports = { }",
                "s2s_ports = { " + s2sPort + " }",
                "s2s_direct_tls_ports = { }",
                componentDomain == null ? "component_ports = { }" : "component_ports = { " + componentPort + " }",
                "component_interfaces = { " + lua(ip) + " }",
                "http_ports = { }",
                "https_ports = { }",
                "network_backend = \"epoll\"",
                "modules_enabled = { \"roster\", \"saslauth\", \"tls\", \"dialback\", \"disco\", \"ping\", "
                        + (vcardTemp ? "\"vcard\"," : "\"vcard_legacy\",")
                        + " \"version\", \"time\", \"uptime\", \"offline\", \"private\", \"blocklist\", \"carbons\", \"pep\", \"posix\","
                        + " \"smacks\" }",
                "authentication = \"internal_hashed\"",
                "storage = \"internal\"",
                "c2s_require_encryption = true",
                "s2s_require_encryption = true",
                "s2s_secure_auth = " + secureAuth,
                // libunbound: A records from the hosts file, everything else (SRV) from the world's dnsmasq, nothing from the system.
                "unbound = { hoststxt = " + lua(dns.hostsFile()) + ", resolvconf = false, forward = " + lua(dns.unboundForward()) + " }",
                ssl,
                "log = { { levels = { min = \"info\" }, to = \"file\", filename = " + lua(dir.resolve("prosody.log")) + " } }",
                "VirtualHost " + lua(domain),
                "  " + ssl,
                "Component " + lua(mucDomain()) + " \"muc\"",
                "  " + ssl,
                "  restrict_room_creation = false",
                componentDomain == null ? "" : "Component " + lua(componentDomain) + "\n  component_secret = " + lua(componentSecret)
                        + "\n  " + ssl,
                "");
        Files.writeString(config(), config);
    }

    void start() throws Exception {
        Path prosody = PeerProcess.require("prosody", "prosody (and lua-unbound)");
        process = PeerProcess.start("prosody", List.of(prosody.toString(), "--config", config().toString(), "-F"), Map.of(),
                dir, dir.resolve("console.log"));
        process.awaitPort(ip, c2sPort, Duration.ofSeconds(30));
        process.awaitPort(ip, s2sPort, Duration.ofSeconds(10));
    }

    @Override
    public void register(String user, String password) throws Exception {
        Path ctl = PeerProcess.require("prosodyctl", "prosody");
        PeerProcess.Result r = PeerProcess.run(List.of(ctl.toString(), "--config", config().toString(), "register", user, domain,
                password), Map.of(), dir, Duration.ofSeconds(30));
        if (r.code() != 0) {
            throw new IllegalStateException("prosodyctl register " + user + "@" + domain + " failed (" + r.code() + "): " + r.output());
        }
    }

    /** mod_offline keeps them in the internal storage's archive file {@code data/<host>/offline/<user>.list}. */
    @Override
    public boolean hasOfflineMessages(String user) throws Exception {
        Path list = dir.resolve("data").resolve(encoded(domain)).resolve("offline").resolve(encoded(user) + ".list");
        return Files.exists(list) && Files.size(list) > 0;
    }

    /** Prosody's file names (util/datamanager): every character but letters and digits as %xx. */
    private static String encoded(String name) {
        StringBuilder b = new StringBuilder();
        for (byte c : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02x", c & 0xff));
            }
        }
        return b.toString();
    }

    /**
     * Prosody 0.12's migrator with an XEP-0227 output store ({@code type = "xep0227"}): one file per account. The
     * migrator writes that store into its compiled-in data directory (/var/lib/prosody), so a copy of it whose
     * data directory is {@code into} runs instead. Stores: accounts (SCRAM keys), roster, vcard, private and PEP;
     * Prosody's XEP-0227 store has none for offline messages or block lists.
     */
    @Override
    public List<Path> exportPortable(Path into) throws Exception {
        Files.createDirectories(into);
        String migrator = Files.readString(Path.of("/usr/bin/prosody-migrator"))
                .replaceFirst("(?m)^CFG_DATADIR=.*$", java.util.regex.Matcher.quoteReplacement("CFG_DATADIR=" + lua(into) + ";"));
        Path copy = dir.resolve("prosody-migrator.lua");
        Files.writeString(copy, migrator);
        Path cfg = dir.resolve("migrator.cfg.lua");
        Files.writeString(cfg, String.join("\n",
                "input {",
                "  type = \"internal\";",
                "  path = " + lua(dir.resolve("data")) + ";",
                "  hosts = { [" + lua(domain) + "] = { \"accounts\", \"roster\", \"vcard\", \"private\", \"pep-pubsub\" } };",
                "}",
                "output {",
                "  type = \"xep0227\";",
                "  path = " + lua(into) + ";",
                "}",
                ""));
        PeerProcess.Result r = PeerProcess.run(List.of("lua5.4", copy.toString(), "--root", "--config=" + cfg, "input",
                "output"), Map.of(), dir, Duration.ofSeconds(120));
        if (r.code() != 0) {
            throw new IllegalStateException("prosody-migrator failed (" + r.code() + "): " + r.output());
        }
        try (java.util.stream.Stream<Path> files = Files.list(into)) {
            return files.filter(f -> f.toString().endsWith(".xml")).sorted().toList();
        }
    }

    @Override
    public String version() {
        return debianVersion("Prosody", "prosody", dir);
    }

    @Override
    public String logs() {
        StringBuilder s = new StringBuilder("--- prosody console:\n").append(process == null ? "" : process.output());
        try {
            Path log = dir.resolve("prosody.log");
            if (Files.exists(log)) {
                s.append("--- prosody.log:\n").append(Files.readString(log));
            }
        } catch (Exception e) {
            s.append(e);
        }
        return s.toString();
    }

    private Path config() {
        return dir.resolve("prosody.cfg.lua");
    }

    private static String lua(Object value) {
        return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }






    /** SIGTERM to the prosody process; Prosody closes its streams and exits. */
    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
