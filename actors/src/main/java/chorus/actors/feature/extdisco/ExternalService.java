package chorus.actors.feature.extdisco;

import com.typesafe.config.Config;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One STUN or TURN server a client may use (XEP-0215 §2: the {@code <service/>} attributes), read from one entry of
 * {@code chorus.extdisco.services}. A TURN server with a {@code secret} gets time-limited credentials; the record's
 * {@link #toString()} shows the secret only as hidden (see {@link TurnSecret}).
 *
 * @param type      stun, stuns, turn or turns (XEP-0215 §8.3 registry)
 * @param host      the server's host name or IP address
 * @param port      its port
 * @param transport udp or tcp
 * @param name      a friendly name, or null
 * @param secret    the shared secret for TURN REST API credentials, if the server is restricted
 */
public record ExternalService(String type, String host, int port, String transport, String name,
                              Optional<TurnSecret> secret) {
    static final Set<String> TYPES = Set.of("stun", "stuns", "turn", "turns");
    private static final Set<String> TRANSPORTS = Set.of("udp", "tcp");
    // A DNS name or an IPv4 address, or an IPv6 address without brackets.
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|[0-9A-Fa-f:.]{2,45}");

    public ExternalService {
        secret = secret == null ? Optional.empty() : secret;
    }

    /** Reads entry {@code index} of {@code chorus.extdisco.services}; a bad value stops the start naming its setting. */
    static ExternalService from(Config c, int index) {
        String at = "chorus.extdisco.services." + index + ".";
        String type = c.hasPath("type") ? c.getString("type").toLowerCase(Locale.ROOT) : "";
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException(at + "type: must be stun, stuns, turn or turns, was '" + type + "'");
        }
        String host = c.hasPath("host") ? c.getString("host").strip() : "";
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException(at + "host: must be a host name or an IP address, was '" + host + "'");
        }
        boolean tls = type.endsWith("s");
        int port = c.hasPath("port") ? c.getInt("port") : tls ? 5349 : 3478;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(at + "port: must be 1..65535, was " + port);
        }
        String transport = c.hasPath("transport") ? c.getString("transport").toLowerCase(Locale.ROOT)
            : tls ? "tcp" : "udp";
        if (!TRANSPORTS.contains(transport)) {
            throw new IllegalArgumentException(at + "transport: must be udp or tcp, was '" + transport + "'");
        }
        String name = c.hasPath("name") && !c.getString("name").isBlank() ? c.getString("name") : null;
        Optional<TurnSecret> secret = Optional.empty();
        if (c.hasPath("secret") && !c.getString("secret").isEmpty()) {
            if (!type.startsWith("turn")) {
                throw new IllegalArgumentException(at + "secret: only a turn or turns server takes a secret");
            }
            try {
                secret = Optional.of(new TurnSecret(c.getString("secret")));
            } catch (IllegalArgumentException e) {
                // The message names the rule, never the value.
                throw new IllegalArgumentException(at + "secret: " + e.getMessage());
            }
        }
        return new ExternalService(type, host, port, transport, name, secret);
    }

    /** Whether a client needs credentials for it (XEP-0215 §2, the {@code restricted} attribute). */
    public boolean restricted() {
        return secret.isPresent();
    }

    @Override
    public String toString() {
        return "ExternalService[" + type + " " + host + ":" + port + "/" + transport
            + (secret.isPresent() ? ", secret hidden" : "") + "]";
    }
}
