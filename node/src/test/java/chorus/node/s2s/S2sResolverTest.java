package chorus.node.s2s;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What needs no DNS server; {@code S2sResolverIT} asks a real one. */
class S2sResolverTest {
    // A DNS "server" nobody answers on: any lookup would time out, so a passing test asked none.
    static final S2sResolver.Config NO_DNS = new S2sResolver.Config(List.of(new InetSocketAddress("127.0.0.1", 9)),
            Duration.ofMillis(200), Map.of(
                    "private.example", List.of(new S2sEndpoint("10.1.2.3", 5269, false), new S2sEndpoint("[::1]", 5270, true))));

    @Test
    void aDomainInTheStaticMapGetsItsEndpointsInTheGivenOrderWithoutDns() throws Exception {
        List<S2sEndpoint.Address> got = S2sResolver.create(NO_DNS).resolve("Private.Example").toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(2, got.size());
        assertEquals(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 5269), got.get(0).address());
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 5270), got.get(1).address());
        assertEquals(List.of(false, true), got.stream().map(S2sEndpoint.Address::directTls).toList());
    }

    @Test
    void aNameThatIsNoDnsNameIsNotFound() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> S2sResolver.create(NO_DNS).resolve("bad domain!").toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertInstanceOf(S2sResolver.NotFound.class, e.getCause());
    }

    @Test
    void ipLiteralsAreRecognisedAndNamesAreNot() {
        assertEquals("127.0.0.32", S2sResolver.ipLiteral("127.0.0.32").getHostAddress());
        assertEquals(InetAddress.getLoopbackAddress().getClass(), S2sResolver.ipLiteral("127.0.0.1").getClass());
        assertEquals("0:0:0:0:0:0:0:1", S2sResolver.ipLiteral("[::1]").getHostAddress());
        assertNull(S2sResolver.ipLiteral("999.1.1.1"));
        assertNull(S2sResolver.ipLiteral("prosody.example"));
        assertNull(S2sResolver.ipLiteral("1.2.3.example"));
    }

    @Test
    void addressesNeverPrintTheIp() {
        S2sEndpoint.Address a = new S2sEndpoint.Address(new InetSocketAddress("10.9.8.7", 5269), "xmpp.example", false);
        assertEquals("Address[xmpp.example:5269]", a.toString());
    }
}
