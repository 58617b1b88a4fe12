package chorus.node.session;

import chorus.node.login.LoginThrottle;
import chorus.node.login.LookupTimes;

import java.time.Duration;

import java.util.concurrent.Executor;

/**
 * What the node's sessions share to keep clients within their limits (issue 14); the limits themselves are settings
 * ({@link chorus.node.config.SessionLimits}).
 *
 * @param logins  the cluster's count of failed logins per account name and source
 * @param hashing the password-hashing pool (PBKDF2 of PLAIN logins); refuses work past its queue
 * @param idle    the node's watch over idle bound sessions
 * @param lookups how long the node's credentials lookups take: each answer waits as long as nearly all of them
 */
public record SessionGuards(LoginThrottle logins, Executor hashing, IdleSweep idle, LookupTimes lookups) {

    /** No throttle, hashing on the caller's thread, no idle check, no lookup floor (unit tests). */
    public static SessionGuards none() {
        return new SessionGuards(LoginThrottle.NONE, Runnable::run, IdleSweep.off(), new LookupTimes(Duration.ZERO));
    }

    @Override
    public String toString() {
        return "SessionGuards";
    }
}
