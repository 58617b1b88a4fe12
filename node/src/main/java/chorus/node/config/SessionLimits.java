package chorus.node.config;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * The limits of a client session past its connection (issue 14): how long a bound session without XEP-0198 may stay
 * silent, how many sessions an account may have, how fast a session may send, how failed logins are slowed and
 * refused, and how much password hashing may wait. Read once from {@code chorus.c2s} and
 * {@code chorus.password-hashing}.
 *
 * @param idleTimeout      a bound session without XEP-0198 that sent nothing (not even whitespace) this long gets a
 *                         XEP-0199 ping; zero turns the idle check off
 * @param idleAnswer       how long that ping waits for any answer before the stream ends with connection-timeout
 * @param maxSessionsPerAccount resources one account may have bound at once (RFC 6120 §7.6.2.1); 0: no limit
 * @param rate             stanzas and bytes per second a bound session may send
 * @param logins           how failed logins are slowed down and refused
 * @param lookupTime       the answer to a credentials lookup goes out no sooner than this after the request, so that
 *                         its time does not tell whether an account's entity was in memory
 * @param lookupCap        nor later than the node's 99th percentile of recent lookups, up to this at most: however
 *                         slow lookups get (a storm of logins right after a start reads every entity), no answer waits
 *                         longer for the others' sake
 * @param lookupTimeout    how long a login waits in all for its account's entity, asking again every few seconds: an
 *                         entity on a node that just died answers from elsewhere once the cluster has moved it
 * @param hashingThreads   threads of the password-hashing pool (PBKDF2 of PLAIN logins and of new passwords)
 * @param hashingQueue     work the pool lets wait; more is refused (a login gets temporary-auth-failure)
 */
public record SessionLimits(Duration idleTimeout, Duration idleAnswer, int maxSessionsPerAccount, Rate rate,
                            LoginThrottling logins, Duration lookupTime, Duration lookupCap, Duration lookupTimeout,
                            int hashingThreads,
                            int hashingQueue) {

    /**
     * Top-level elements (stanzas, XEP-0198 elements, and the like) and their bytes per second, each a token bucket
     * with a burst. Past it what the client sends waits in its session, in order, and is handled at the rate; a
     * client behind its rate without a break for as long as ten bursts take ends its stream with policy-violation.
     */
    public record Rate(double stanzasPerSecond, int stanzaBurst, long bytesPerSecond, long byteBurst) {
        public boolean on() {
            return stanzasPerSecond > 0 || bytesPerSecond > 0;
        }

        public static final Rate OFF = new Rate(0, 0, 0, 0);
    }

    /**
     * Failed logins counted per account name and per source (an IPv4 address, an IPv6 /64, the onion service):
     * a count is forgotten {@code window} after its last failure. From the {@code slowAfter}-th failure on each
     * failure is answered twice as late as the one before (from the failure delay, at most {@code maxDelay}); at
     * {@code refuseAfter} failures the name or source is refused for {@code lockout}. 0 turns either off.
     */
    public record LoginThrottling(Threshold account, Threshold source, Duration window, Duration lockout,
                                  Duration maxDelay) {
        public static final LoginThrottling OFF = new LoginThrottling(Threshold.OFF, Threshold.OFF, Duration.ofMinutes(1),
            Duration.ofMinutes(1), Duration.ofSeconds(1));

        public boolean on() {
            return account.on() || source.on();
        }
    }

    /** From the {@code slowAfter}-th failure on, failures are slowed; at {@code refuseAfter} they are refused. */
    public record Threshold(int slowAfter, int refuseAfter) {
        public static final Threshold OFF = new Threshold(0, 0);

        public boolean on() {
            return slowAfter > 0 || refuseAfter > 0;
        }
    }

    /** No limits at all (unit tests of other things). */
    public static final SessionLimits NONE = new SessionLimits(Duration.ZERO, Duration.ofSeconds(60), 0, Rate.OFF,
        LoginThrottling.OFF, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(25), 1, 100);

    static SessionLimits from(Config c) {
        Duration idle = Settings.duration(c, "chorus.c2s.idle-timeout");
        Duration answer = Settings.duration(c, "chorus.c2s.idle-answer-timeout");
        if (!idle.isZero() && idle.toMillis() < 1000) {
            throw new SettingsException("chorus.c2s.idle-timeout", "must be 0 (off) or at least 1s");
        }
        if (answer.toMillis() < 1000) {
            throw new SettingsException("chorus.c2s.idle-answer-timeout", "must be at least 1s");
        }
        int perAccount = Settings.intIn(c, "chorus.c2s.max-sessions-per-account", 0, 100_000);
        Rate rate = rate(c, "chorus.c2s");
        LoginThrottling logins = new LoginThrottling(threshold(c, "account"), threshold(c, "source"),
            atLeastASecond(c, "chorus.c2s.login-throttle.window"), atLeastASecond(c, "chorus.c2s.login-throttle.lockout"),
            Settings.duration(c, "chorus.c2s.login-throttle.max-delay"));
        Duration lookup = Settings.duration(c, "chorus.c2s.login-lookup-time");
        if (lookup.toMillis() > 5000) {
            throw new SettingsException("chorus.c2s.login-lookup-time", "must be at most 5s");
        }
        Duration cap = Settings.duration(c, "chorus.c2s.login-lookup-cap");
        if (cap.compareTo(lookup) < 0 || cap.toMillis() > 5000) {
            throw new SettingsException("chorus.c2s.login-lookup-cap", "must be at least chorus.c2s.login-lookup-time ("
                + lookup.toMillis() + " ms) and at most 5s");
        }
        Duration timeout = Settings.duration(c, "chorus.c2s.login-lookup-timeout");
        if (timeout.toMillis() < 1000) {
            throw new SettingsException("chorus.c2s.login-lookup-timeout", "must be at least 1s");
        }
        // A login never waits past its stream's own deadline: a shorter negotiation-timeout shortens this too.
        Duration negotiation = Settings.duration(c, "chorus.c2s.negotiation-timeout");
        if (!negotiation.isZero() && timeout.compareTo(negotiation) > 0) {
            timeout = negotiation;
        }
        return new SessionLimits(idle, answer, perAccount, rate, logins, lookup, cap, timeout,
            Settings.intIn(c, "chorus.password-hashing.threads", 1, 256),
            Settings.intIn(c, "chorus.password-hashing.queue", 1, 100_000));
    }

    /**
     * The rate under {@code prefix}.rate (stanzas-per-second, stanza-burst, bytes-per-second, byte-burst), checked
     * against {@code prefix}.max-stanza-size: clients' ({@code chorus.c2s}) and peer servers' ({@code chorus.s2s}).
     */
    static Rate rate(Config c, String prefix) {
        Rate rate = new Rate(positive(c, prefix + ".rate.stanzas-per-second"),
            Settings.intIn(c, prefix + ".rate.stanza-burst", 1, 1_000_000),
            Settings.bytes(c, prefix + ".rate.bytes-per-second", 0, Long.MAX_VALUE),
            Settings.bytes(c, prefix + ".rate.byte-burst", 1, Long.MAX_VALUE));
        long maxStanza = Settings.bytes(c, prefix + ".max-stanza-size", 0, Long.MAX_VALUE);
        if (rate.bytesPerSecond() > 0 && rate.byteBurst() < maxStanza) {
            throw new SettingsException(prefix + ".rate.byte-burst", "must be at least " + prefix
                + ".max-stanza-size (" + maxStanza + " bytes), or the largest stanza never passes");
        }
        return rate;
    }

    private static Threshold threshold(Config c, String which) {
        String at = "chorus.c2s.login-throttle." + which;
        int slow = Settings.intIn(c, at + ".slow-after", 0, 1_000_000);
        int refuse = Settings.intIn(c, at + ".refuse-after", 0, 1_000_000);
        if (slow > 0 && refuse > 0 && refuse < slow) {
            throw new SettingsException(at + ".refuse-after", "must not be below " + at + ".slow-after (or 0: never)");
        }
        return new Threshold(slow, refuse);
    }

    private static double positive(Config c, String key) {
        double v;
        try {
            v = c.getDouble(key);
        } catch (com.typesafe.config.ConfigException.WrongType e) {
            throw new SettingsException(key, "'" + c.getValue(key).unwrapped() + "' is not a number");
        }
        if (v < 0 || Double.isNaN(v) || v > 1_000_000) {
            throw new SettingsException(key, v + " is outside 0..1000000");
        }
        return v;
    }

    private static Duration atLeastASecond(Config c, String key) {
        Duration d = Settings.duration(c, key);
        if (d.toMillis() < 1000) {
            throw new SettingsException(key, "must be at least 1s");
        }
        return d;
    }
}
