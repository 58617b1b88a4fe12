package chorus.node.config;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.JidMalformedException;
import com.typesafe.config.Config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * In-band registration (XEP-0077, {@code chorus.registration}) and who hears about it.
 *
 * @param enabled    whether clients may create accounts themselves (off by default)
 * @param perAddress registrations allowed per source address per window
 * @param window     the window of the rate limit
 * @param admins     who gets a chat message naming each new account and the address it came from
 * @param noticeRetention how long that message waits for an admin who is offline (the offline retention
 *                   when that is shorter); then it is deleted
 */
public record RegistrationSettings(boolean enabled, int perAddress, Duration window, List<BareJid> admins,
                                   String instructions, Duration noticeRetention) {

    static RegistrationSettings from(Config c) {
        List<BareJid> admins = new ArrayList<>();
        String fromEnv = c.getString("chorus.admins-env");
        List<String> names = new ArrayList<>(c.getStringList("chorus.admins"));
        if (!fromEnv.isBlank()) {
            for (String a : fromEnv.split(",")) {
                names.add(a.trim());
            }
        }
        for (String a : names) {
            try {
                admins.add(BareJid.parseBare(a));
            } catch (JidMalformedException e) {
                throw new SettingsException("chorus.admins (CHORUS_ADMINS)", "'" + a + "' is not an account address");
            }
        }
        Duration notice = Settings.duration(c, "chorus.registration.notice-retention");
        if (notice.isZero()) {
            throw new SettingsException("chorus.registration.notice-retention", "must be more than 0");
        }
        return new RegistrationSettings(c.getBoolean("chorus.registration.enabled"),
            Settings.intIn(c, "chorus.registration.per-address", 1, 1_000_000),
            Settings.duration(c, "chorus.registration.window"), List.copyOf(admins),
            c.getString("chorus.registration.instructions"), notice);
    }
}
