package chorus.actors.mailbox;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * Settings of the offline mailboxes ({@code chorus.offline}).
 *
 * @param retention     how long an undelivered message is kept; older ones are never delivered
 * @param maxMessages   messages one mailbox holds; more are refused with resource-constraint
 * @param maxBytes      total size of the stored messages of one mailbox
 * @param idleTimeout   how long an unused mailbox stays in memory
 * @param journalPlugin the journal the mailboxes write to (its table expires rows after the retention);
 *                      empty: the default journal
 * @param noticeRetention how long a server notice (an in-band registration's, to an admin) waits; the
 *                      retention when that is shorter ({@code chorus.registration.notice-retention})
 */
public record MailboxSettings(Duration retention, int maxMessages, long maxBytes, Duration idleTimeout,
                              String journalPlugin, Duration noticeRetention) {

    public MailboxSettings {
        if (noticeRetention.isNegative() || noticeRetention.isZero()) {
            throw new IllegalArgumentException("chorus.registration.notice-retention must be positive");
        }
        // A notice never waits longer than a message would.
        if (noticeRetention.compareTo(retention) > 0) {
            noticeRetention = retention;
        }
    }

    /** A notice waits as long as a message. */
    public MailboxSettings(Duration retention, int maxMessages, long maxBytes, Duration idleTimeout, String journalPlugin) {
        this(retention, maxMessages, maxBytes, idleTimeout, journalPlugin, retention);
    }

    public static MailboxSettings from(Config config) {
        Config c = config.getConfig("chorus.offline");
        Duration retention = c.getDuration("retention");
        Duration notice = config.hasPath("chorus.registration.notice-retention")
            ? config.getDuration("chorus.registration.notice-retention") : retention;
        return new MailboxSettings(retention, c.getInt("max-messages"), c.getBytes("max-bytes"),
            c.getDuration("idle-timeout"), c.getString("journal-plugin"), notice);
    }
}
