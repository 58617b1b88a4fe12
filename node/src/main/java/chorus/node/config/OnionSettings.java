package chorus.node.config;

import com.typesafe.config.Config;

import java.net.InetAddress;

/**
 * An extra client listener for a Tor onion service ({@code chorus.c2s.onion}): Tor forwards the hidden
 * service's port to {@code bind:port}. Clients there are anonymous: they all count as one source (Tor hands
 * them over from its own address), and nothing treats them as local.
 *
 * @param bind where the listener binds (loopback, where Tor runs)
 * @param port its port; 0 turns it off
 */
public record OnionSettings(InetAddress bind, int port) {

    public boolean enabled() {
        return port > 0;
    }

    static OnionSettings from(Config c, InetAddress clientBind, C2sSettings c2s) {
        InetAddress bind = Settings.ipAddress(c, "chorus.c2s.onion.bind", "CHORUS_ONION_BIND");
        int port = Settings.port(c, "chorus.c2s.onion.port", true);
        boolean overlaps = clientBind.isAnyLocalAddress() || bind.isAnyLocalAddress() || clientBind.equals(bind);
        if (port > 0 && overlaps && (port == c2s.port() || port == c2s.tlsPort())) {
            throw new SettingsException("chorus.c2s.onion.port (CHORUS_ONION_PORT)",
                port + " is already a client port on that address; give the onion listener a port of its own");
        }
        return new OnionSettings(bind, port);
    }
}
