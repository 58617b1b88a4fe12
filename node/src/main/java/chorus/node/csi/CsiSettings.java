package chorus.node.csi;

import chorus.node.config.SettingsException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * Settings of Client State Indication, read once from {@code chorus.c2s.csi}.
 *
 * @param enabled      whether streams offer CSI at all
 * @param maxHeld      stanzas held for one inactive client; one more writes them all
 * @param maxHeldBytes their size (estimated as serialized); more writes them all
 */
public record CsiSettings(boolean enabled, int maxHeld, long maxHeldBytes) {
    private static final String PREFIX = "chorus.c2s.csi.";

    public CsiSettings {
        if (maxHeld < 1 || maxHeld > 100_000) {
            throw new SettingsException(PREFIX + "max-held", "must be between 1 and 100000, not " + maxHeld);
        }
        if (maxHeldBytes < 1024 || maxHeldBytes > 64L * 1024 * 1024) {
            throw new SettingsException(PREFIX + "max-held-bytes", "must be between 1KiB and 64MiB, not " + maxHeldBytes);
        }
    }

    public static CsiSettings defaults() {
        return new CsiSettings(true, 256, 512 * 1024);
    }

    public static CsiSettings from(Config config) {
        String key = PREFIX + "enabled";
        try {
            boolean enabled = config.getBoolean(key);
            key = PREFIX + "max-held";
            int max = config.getInt(key);
            key = PREFIX + "max-held-bytes";
            return new CsiSettings(enabled, max, config.getBytes(key));
        } catch (ConfigException e) {
            throw new SettingsException(key, e.getMessage());
        }
    }
}
