package chorus.actors.feature.invite;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * Settings of invitations, read once from {@code chorus.invites}.
 *
 * @param enabled     whether invites are made and redeemed at all (off: nothing is advertised)
 * @param expireAfter how long an invite stays valid
 * @param maxPerUser  open invites one user may have at once
 * @param userInvites whether users, not only admins, may invite someone to register
 */
public record InviteSettings(boolean enabled, Duration expireAfter, int maxPerUser, boolean userInvites) {

    public InviteSettings {
        if (expireAfter == null || expireAfter.toMinutes() < 1 || expireAfter.toDays() > 365) {
            throw new IllegalArgumentException("chorus.invites.expire-after must be between 1m and 365d");
        }
        if (maxPerUser < 1 || maxPerUser > 10_000) {
            throw new IllegalArgumentException("chorus.invites.max-per-user must be between 1 and 10000");
        }
    }

    /** As Prosody's defaults: 7 days, users may not invite. */
    public static InviteSettings defaults() {
        return new InviteSettings(true, Duration.ofDays(7), 10, false);
    }

    public static InviteSettings from(Config config) {
        Config c = config.getConfig("chorus.invites");
        return new InviteSettings(c.getBoolean("enabled"), c.getDuration("expire-after"), c.getInt("max-per-user"),
            c.getBoolean("user-invites"));
    }
}
