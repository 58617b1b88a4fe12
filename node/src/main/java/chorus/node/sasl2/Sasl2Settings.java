package chorus.node.sasl2;

import chorus.actors.feature.fast.FastSettings;
import chorus.node.config.SettingsException;
import com.typesafe.config.Config;

/**
 * SASL2 and Bind 2, read once from the configuration.
 *
 * @param enabled        offer {@code <authentication/>} (XEP-0388) beside RFC 6120 SASL ({@code chorus.sasl2.enabled})
 * @param maxFieldLength the most characters of each thing a client names itself with: the user-agent's id, software
 *                       and device (XEP-0388 §2.2), the Bind 2 tag (XEP-0386 §4); longer is malformed-request
 *                       ({@code chorus.sasl2.max-field-length})
 * @param carbons        offer XEP-0280 carbons inline in Bind 2 (carbons are on at this node)
 * @param csi            offer XEP-0352 client state inline in Bind 2 (CSI is on at this node)
 * @param fast           XEP-0484 FAST tokens ({@code chorus.fast}), offered inline when enabled
 */
public record Sasl2Settings(boolean enabled, int maxFieldLength, boolean carbons, boolean csi, FastSettings fast) {
    public static final Sasl2Settings OFF = new Sasl2Settings(false, 256, false, false,
        new FastSettings(false, java.time.Duration.ofDays(14), 8));

    public Sasl2Settings {
        if (maxFieldLength < 16 || maxFieldLength > 4096) {
            throw new SettingsException("chorus.sasl2.max-field-length", "must be between 16 and 4096, not " + maxFieldLength);
        }
    }

    public static Sasl2Settings from(Config c, boolean carbons, boolean csi, FastSettings fast) {
        return new Sasl2Settings(c.getBoolean("chorus.sasl2.enabled"), c.getInt("chorus.sasl2.max-field-length"),
            carbons, csi, fast);
    }

    /**
     * The FAST mechanisms a connection offers inline (XEP-0484 §3): -EXPR and -ENDP first where it has tls-exporter
     * and tls-server-end-point and channel binding is on ({@code chorus.sasl.channel-binding}); none when SASL2 or FAST is off.
     */
    public java.util.List<String> fastMechanisms(chorus.node.sasl.ChannelBindings bindings, boolean channelBinding) {
        return enabled && fast.enabled() ? chorus.node.sasl.HtServer.offered(bindings, channelBinding) : java.util.List.of();
    }
}
