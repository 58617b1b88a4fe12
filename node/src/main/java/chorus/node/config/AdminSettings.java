package chorus.node.config;

import com.typesafe.config.Config;

import java.net.InetAddress;

/**
 * The admin port ({@code chorus.admin}): the admin API for chorusctl, the web admin, metrics and health.
 *
 * @param bind        the address it listens on: loopback unless the admin chooses otherwise (Kubernetes
 *                    probes and Prometheus reach a pod's address); the API always wants the token
 * @param port        the port
 * @param metricsAuth whether {@code /metrics} wants the admin token too ({@code token}) or not ({@code none})
 * @param token       the admin token the admin chose (at least 32 characters), or empty: a random one per start
 */
public record AdminSettings(InetAddress bind, int port, MetricsAuth metricsAuth, String token) {

    public enum MetricsAuth { TOKEN, NONE }

    static AdminSettings from(Config c) {
        InetAddress bind = Settings.ipAddress(c, "chorus.admin.bind", "CHORUS_ADMIN_BIND");
        int port = Settings.port(c, "chorus.admin.port", false);
        String auth = c.getString("chorus.admin.metrics-auth");
        MetricsAuth metricsAuth;
        switch (auth) {
            case "token": metricsAuth = MetricsAuth.TOKEN; break;
            case "none": metricsAuth = MetricsAuth.NONE; break;
            default: throw new SettingsException("chorus.admin.metrics-auth (CHORUS_METRICS_AUTH)",
                "must be token or none, not '" + auth + "'");
        }
        String token = c.getString("chorus.admin.token").strip();
        if (!token.isEmpty() && (token.length() < 32 || !token.matches("[\\x21-\\x7e]+"))) {
            throw new SettingsException("chorus.admin.token (CHORUS_ADMIN_TOKEN)",
                "must be at least 32 printable characters without spaces (openssl rand -hex 32), or empty");
        }
        return new AdminSettings(bind, port, metricsAuth, token);
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "AdminSettings[" + bind.getHostAddress() + ":" + port + ", metrics " + metricsAuth
            + (token.isEmpty() ? "" : ", fixed token") + "]";
    }
}
