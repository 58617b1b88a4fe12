package chorus.node.xmppstream;

import java.net.InetAddress;

/**
 * Where a client connection came from, for the registration limit and the admins' notice only (never
 * stored or logged): its address, or the onion service, whose clients are anonymous. Tor hands every onion
 * client over from its own (loopback) address, so they all count as one source, apart from local clients.
 */
public record ClientSource(InetAddress address, boolean onion) {
    /** The one source every onion client counts as. */
    public static final ClientSource ONION = new ClientSource(null, true);

    public static ClientSource of(InetAddress address) {
        return new ClientSource(address, false);
    }

    /** What the admins' registration notice says. */
    public String describe() {
        return onion ? "the Tor onion service (the client's address is unknown)"
            : address == null ? "an unknown address" : address.getHostAddress();
    }

    /** Never prints the address. */
    @Override
    public String toString() {
        return onion ? "ClientSource[onion]" : "ClientSource[address]";
    }
}
