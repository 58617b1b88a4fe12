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
 */
public record MailboxSettings(Duration retention, int maxMessages, long maxBytes, Duration idleTimeout,
                              String journalPlugin) {

    public static MailboxSettings from(Config config) {
        Config c = config.getConfig("chorus.offline");
        return new MailboxSettings(c.getDuration("retention"), c.getInt("max-messages"), c.getBytes("max-bytes"),
            c.getDuration("idle-timeout"), c.getString("journal-plugin"));
    }
}
