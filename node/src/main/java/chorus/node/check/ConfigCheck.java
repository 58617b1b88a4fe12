package chorus.node.check;

import chorus.node.config.AdminSettings;
import chorus.node.config.Settings;
import chorus.node.config.SettingsException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.util.ArrayList;
import java.util.List;

/** The configuration in force, read as the node reads it, and the combinations that start but hurt. */
final class ConfigCheck {
    static final String AREA = "config";

    private ConfigCheck() {
    }

    /** The settings, or null after a FAIL finding saying which setting is wrong. */
    static Settings read(Config config, List<Finding> out) {
        try {
            Settings s = Settings.from(config);
            out.add(Finding.ok(AREA, "every setting is valid (domain " + s.domain() + ")"));
            return s;
        } catch (SettingsException | ConfigException e) {
            out.add(Finding.fail(AREA, e.getMessage(), "correct that setting (README, Settings); the node will not start until then"));
            return null;
        }
    }

    static List<Finding> run(Settings s) {
        List<Finding> out = new ArrayList<>();
        String domain = s.domain().toString();
        if (domain.equals("localhost") || !domain.contains(".")) {
            out.add(Finding.warn(AREA, "the domain is '" + domain + "': clients on other machines cannot use it",
                "set CHORUS_DOMAIN to the domain users' addresses end with (example.org)"));
        }
        if (!s.cluster().alone() && s.config().getString("chorus.sasl.decoy-secret").isBlank()) {
            out.add(Finding.fail(AREA, "this node joins a cluster but has no chorus.sasl.decoy-secret: each node would answer "
                    + "logins to unknown accounts differently, which tells an attacker which accounts exist",
                "set CHORUS_SASL_DECOY_SECRET to the same value on every node (openssl rand -hex 32)"));
        }
        if (s.config().getString("chorus.storage").equals("memory")) {
            out.add(Finding.warn(AREA, "chorus.storage = memory: every account is lost when the node stops",
                "unset CHORUS_STORAGE (Cassandra is the default)"));
        }
        if (s.registration().enabled() && s.registration().admins().isEmpty()) {
            out.add(Finding.warn(AREA, "in-band registration is on and no admin hears about new accounts",
                "set CHORUS_ADMINS=admin@" + domain + " (or turn registration off)"));
        }
        AdminSettings admin = s.admin();
        if (!admin.bind().isLoopbackAddress() && admin.metricsAuth() == AdminSettings.MetricsAuth.NONE) {
            out.add(Finding.warn(AREA, "the admin port listens on " + admin.bind().getHostAddress()
                    + " and /metrics needs no token: anyone who reaches it reads the node's counters",
                "set CHORUS_METRICS_AUTH=token, or bind the admin port to loopback (CHORUS_ADMIN_BIND=127.0.0.1)"));
        }
        if (!admin.bind().isLoopbackAddress() && admin.token().isEmpty()) {
            out.add(Finding.warn(AREA, "the admin port is reachable from the network and its token changes at every start",
                "set CHORUS_ADMIN_TOKEN (openssl rand -hex 32) so scrapers keep working, and restrict who reaches the port"));
        }
        if (out.isEmpty()) {
            out.add(Finding.ok(AREA, "no risky combination of settings"));
        }
        return out;
    }
}
