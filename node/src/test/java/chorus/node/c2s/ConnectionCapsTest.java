package chorus.node.c2s;

import chorus.node.config.ConnectionLimits;
import chorus.node.stream.StreamErrors;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ConnectionCapsTest {
    static ConnectionCaps caps(int total, int unauthenticated, int perAddress) {
        return new ConnectionCaps(new ConnectionLimits(100, 20, 32768, 65536, 1 << 20, Duration.ofSeconds(60),
            total, unauthenticated, perAddress));
    }

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void ipv6AddressesOfOneSlash64CountAsOneSource() throws Exception {
        assertEquals(ConnectionCaps.sourceOf(ip("2001:db8:1:2::1")), ConnectionCaps.sourceOf(ip("2001:db8:1:2:ffff::9")));
        assertNotEquals(ConnectionCaps.sourceOf(ip("2001:db8:1:2::1")), ConnectionCaps.sourceOf(ip("2001:db8:1:3::1")));
        assertNotEquals(ConnectionCaps.sourceOf(ip("192.0.2.1")), ConnectionCaps.sourceOf(ip("192.0.2.2")));
        // An IPv4 address and the IPv6 prefix with the same bits are different sources.
        assertNotEquals(ConnectionCaps.sourceOf(ip("0.0.0.1")), ConnectionCaps.sourceOf(ip("::1")));
    }

    @Test
    void aSourcePastItsCapIsRefusedAndAnotherIsNot() throws Exception {
        ConnectionCaps c = caps(10, 10, 2);
        assertInstanceOf(ConnectionCaps.Ticket.class, c.admit(ip("2001:db8::1")));
        assertInstanceOf(ConnectionCaps.Ticket.class, c.admit(ip("2001:db8::2")));
        ConnectionCaps.Refusal r = assertInstanceOf(ConnectionCaps.Refusal.class, c.admit(ip("2001:db8::3")));
        assertEquals(StreamErrors.POLICY_VIOLATION, r.condition());
        assertInstanceOf(ConnectionCaps.Ticket.class, c.admit(ip("2001:db8:0:1::1")));
        assertEquals(3, c.connections());
    }

    @Test
    void anAuthenticatedConnectionFreesAnUnauthenticatedPlaceAndAClosedOneEveryPlace() throws Exception {
        ConnectionCaps c = caps(3, 1, 5);
        ConnectionCaps.Ticket first = assertInstanceOf(ConnectionCaps.Ticket.class, c.admit(ip("192.0.2.1")));
        assertEquals(StreamErrors.RESOURCE_CONSTRAINT,
            assertInstanceOf(ConnectionCaps.Refusal.class, c.admit(ip("192.0.2.1"))).condition());
        first.authenticated();
        ConnectionCaps.Ticket second = assertInstanceOf(ConnectionCaps.Ticket.class, c.admit(ip("192.0.2.1")));
        second.authenticated();
        ConnectionCaps.Ticket third = assertInstanceOf(ConnectionCaps.Ticket.class, c.admit(ip("192.0.2.2")));
        assertEquals(StreamErrors.RESOURCE_CONSTRAINT,
            assertInstanceOf(ConnectionCaps.Refusal.class, c.admit(ip("192.0.2.3"))).condition());
        first.release();
        second.release();
        third.release();
        third.release();
        assertEquals(0, c.connections());
        assertEquals(0, c.unauthenticated());
        assertEquals(0, c.sources(), "every source is forgotten with its last connection");
    }
}
