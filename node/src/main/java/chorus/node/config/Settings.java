package chorus.node.config;

import chorus.actors.muc.MucSettings;
import chorus.actors.upload.UploadSettings;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.JidMalformedException;
import chorus.node.tls.TlsEngine;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a node reads from {@code chorus.*}, validated: a bad value stops the node at start with
 * a {@link SettingsException} naming the setting.
 */
public record Settings(DomainJid domain, InetAddress bind, Path dataDir, C2sSettings c2s, Path tlsCertificate,
                       Path tlsKey, TlsEngine tlsEngine, AdminSettings admin, boolean versionShowsOs, int scramIterations,
                       RegistrationSettings registration, ClusterSettings cluster, OnionSettings onion,
                       S2sSettings s2s, ComponentSettings component, HttpSettings http, Duration shutdownDeadline,
                       Config config) {

    public static Settings from(Config config) {
        try {
            return read(config);
        } catch (ConfigException e) {
            throw new SettingsException(e.origin() == null ? "configuration" : e.origin().description(), e.getMessage());
        }
    }

    private static Settings read(Config c) {
        DomainJid domain;
        String d = c.getString("chorus.domain");
        try {
            domain = new DomainJid(d);
        } catch (JidMalformedException e) {
            throw new SettingsException("chorus.domain (CHORUS_DOMAIN)", "'" + d + "' is not a valid XMPP domain");
        }
        InetAddress bind = ipAddress(c, "chorus.bind", "CHORUS_BIND");
        String dataDir = c.getString("chorus.data-dir");
        if (dataDir.isBlank()) {
            throw new SettingsException("chorus.data-dir (CHORUS_DATA_DIR)", "must not be empty");
        }
        C2sSettings c2s = C2sSettings.from(c);
        Path cert = optionalPath(c, "chorus.tls.certificate");
        Path key = optionalPath(c, "chorus.tls.key");
        if ((cert == null) != (key == null)) {
            throw new SettingsException("chorus.tls.certificate/chorus.tls.key", "give both PEM files or neither");
        }
        TlsEngine engine = TlsEngine.parse(c.getString("chorus.tls.engine"));
        if (engine == null) {
            throw new SettingsException("chorus.tls.engine", "'" + c.getString("chorus.tls.engine")
                + "' is none of auto, openssl, jdk");
        }
        AdminSettings admin = AdminSettings.from(c);
        // Artery must carry the largest stanza (and its serialization overhead) between nodes.
        long frame = c.getBytes("pekko.remote.artery.advanced.maximum-frame-size");
        if (frame < 2L * c2s.maxStanzaSize()) {
            throw new SettingsException("pekko.remote.artery.advanced.maximum-frame-size",
                frame + " bytes is less than twice chorus.c2s.max-stanza-size (" + c2s.maxStanzaSize() + ")");
        }
        int iterations = intIn(c, "chorus.scram-iterations", 4096, 10_000_000);
        if (c.hasPath("chorus.upload.port")) {
            // The upload listener became the node's one HTTP listener.
            throw new SettingsException("chorus.upload.port", "is now chorus.http.port (CHORUS_HTTP_PORT): the one HTTP "
                + "listener serves uploads, WebSocket, BOSH and host-meta");
        }
        HttpSettings http = HttpSettings.from(c, bind, domain.toString(), c2s);
        if (http.enabled() && (http.port() == c2s.port() || http.port() == c2s.tlsPort() || http.port() == admin.port())) {
            throw new SettingsException("chorus.http.port (CHORUS_HTTP_PORT)",
                http.port() + " is already the client or admin port; give the HTTP listener a port of its own");
        }
        java.util.Set<String> services = java.util.Set.of(MucSettings.from(c).serviceDomain(domain.toString()),
            UploadSettings.serviceDomain(c, domain.toString()));
        Duration deadline = duration(c, "chorus.shutdown-deadline");
        if (deadline.toSeconds() < 5) {
            throw new SettingsException("chorus.shutdown-deadline", "must be at least 5s (a clean stop needs a few seconds)");
        }
        // A fatal error in an actor must end the process (issue 14), not leave a node that serves no one.
        if (!c.getBoolean("pekko.jvm-exit-on-fatal-error")) {
            throw new SettingsException("pekko.jvm-exit-on-fatal-error", "must stay on: a node hit by a fatal error has to exit");
        }
        return new Settings(domain, bind, Path.of(dataDir).toAbsolutePath(), c2s, cert, key, engine, admin,
            c.getBoolean("chorus.version.show-os"), iterations, RegistrationSettings.from(c), ClusterSettings.from(c),
            OnionSettings.from(c, bind, c2s), S2sSettings.from(c, c2s), ComponentSettings.from(c, domain, services), http,
            deadline, c);
    }

    /** An IP address literal (never a name: a listener binds before DNS is trustworthy). */
    static InetAddress ipAddress(Config c, String key, String env) {
        String b = c.getString(key);
        try {
            if (!b.matches("[0-9.:a-fA-F]+")) {
                throw new UnknownHostException(b);
            }
            return InetAddress.getByName(b);
        } catch (UnknownHostException e) {
            throw new SettingsException(key + (env == null ? "" : " (" + env + ")"), "'" + b + "' is not an IP address");
        }
    }

    /** The admin port's number. */
    public int adminPort() {
        return admin.port();
    }

    static int port(Config c, String key, boolean zeroAllowed) {
        int p = intValue(c, key);
        if (p < (zeroAllowed ? 0 : 1) || p > 65535) {
            throw new SettingsException(key, p + " is not a port" + (zeroAllowed ? " (0 turns it off)" : ""));
        }
        return p;
    }

    static int intIn(Config c, String key, int min, int max) {
        int v = intValue(c, key);
        if (v < min || v > max) {
            throw new SettingsException(key, v + " is outside " + min + ".." + max);
        }
        return v;
    }

    private static int intValue(Config c, String key) {
        try {
            return c.getInt(key);
        } catch (ConfigException.WrongType e) {
            throw new SettingsException(key, "'" + c.getValue(key).unwrapped() + "' is not a number");
        }
    }

    static long bytes(Config c, String key, long min, long max) {
        long v;
        try {
            v = c.getBytes(key);
        } catch (ConfigException.BadValue | ConfigException.WrongType e) {
            throw new SettingsException(key, "'" + c.getValue(key).unwrapped() + "' is not a size (e.g. 256KiB)");
        }
        if (v < min || v > max) {
            throw new SettingsException(key, v + " bytes is outside " + min + ".." + max);
        }
        return v;
    }

    static Duration duration(Config c, String key) {
        try {
            Duration d = c.getDuration(key);
            if (d.isNegative()) {
                throw new SettingsException(key, "must not be negative");
            }
            return d;
        } catch (ConfigException.BadValue | ConfigException.WrongType e) {
            throw new SettingsException(key, "'" + c.getValue(key).unwrapped() + "' is not a duration (e.g. 10s)");
        }
    }

    private static Path optionalPath(Config c, String key) {
        String s = c.getString(key);
        return s.isBlank() ? null : Path.of(s);
    }

    public Path tlsDir() {
        return dataDir.resolve("tls");
    }

    /** The Settings of a node carry the whole Config; never print it (it may name secrets' paths only, but keep logs short). */
    @Override
    public String toString() {
        return "Settings[" + domain + ", c2s " + c2s.port() + "/" + c2s.tlsPort() + "]";
    }
}
