package chorus.node.config;

import com.typesafe.config.Config;

import java.time.Duration;

/** Client listener settings ({@code chorus.c2s}). */
public record C2sSettings(int port, int tlsPort, int maxStanzaSize, int maxDepth, long readRateLimit,
                          Duration negotiationTimeout, Duration authFailureDelay, int maxAuthFailures,
                          ResourceConflict resourceConflict, String seeOtherHost, SmSettings sm,
                          ConnectionLimits limits) {

    /** What happens when a client binds a resource that another session holds (RFC 6120 §7.7.2.2). */
    public enum ResourceConflict { KICK_OLD, REFUSE }

    static C2sSettings from(Config c) {
        int port = Settings.port(c, "chorus.c2s.port", false);
        int tlsPort = Settings.port(c, "chorus.c2s.tls-port", true);
        long size = Settings.bytes(c, "chorus.c2s.max-stanza-size", 1024, 64L * 1024 * 1024);
        int depth = Settings.intIn(c, "chorus.c2s.max-depth", 4, 1000);
        long rate = Settings.bytes(c, "chorus.c2s.read-rate-limit", 0, Long.MAX_VALUE);
        Duration timeout = Settings.duration(c, "chorus.c2s.negotiation-timeout");
        Duration delay = Settings.duration(c, "chorus.c2s.auth-failure-delay");
        int failures = Settings.intIn(c, "chorus.c2s.max-auth-failures", 1, 100);
        String conflict = c.getString("chorus.c2s.resource-conflict");
        ResourceConflict rc;
        switch (conflict) {
            case "kick-old": rc = ResourceConflict.KICK_OLD; break;
            case "refuse": rc = ResourceConflict.REFUSE; break;
            default: throw new SettingsException("chorus.c2s.resource-conflict", "must be kick-old or refuse, not '" + conflict + "'");
        }
        if (port == tlsPort) {
            throw new SettingsException("chorus.c2s.tls-port", "must differ from chorus.c2s.port");
        }
        return new C2sSettings(port, tlsPort, (int) size, depth, rate, timeout, delay, failures, rc,
            c.getString("chorus.c2s.see-other-host"), SmSettings.from(c), ConnectionLimits.from(c));
    }
}
