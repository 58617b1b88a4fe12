package chorus.node.it;

import chorus.node.it.peers.PeerDns;
import chorus.node.s2s.S2sEndpoint;
import chorus.node.s2s.S2sResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The s2s resolver against a real DNS server: dnsmasq on 127.0.0.41 serving SRV records for both
 * services (XEP-0368 direct TLS and STARTTLS), A records, "no service" and unknown names. No connection
 * is made: the addresses only have to come back in RFC 6120 §3.2's order.
 */
class S2sResolverIT {
    static final String DNS_IP = "127.0.0.41";
    static PeerDns dns;
    static Path dir;
    static S2sResolver resolver;

    @BeforeAll
    static void startDns() throws Exception {
        dns = new PeerDns(DNS_IP);
        dns.host("host-a.srv.example", "127.0.0.42");
        dns.host("host-b.srv.example", "127.0.0.43");
        dns.srv("_xmpp-server._tcp.srv.example", "host-b.srv.example", 25002, 20, 0);
        dns.srv("_xmpp-server._tcp.srv.example", "host-a.srv.example", 25001, 10, 0);
        dns.srv("_xmpps-server._tcp.srv.example", "host-a.srv.example", 25003, 5, 0);
        dns.host("plain.example", "127.0.0.44");
        dns.srv("_xmpp-server._tcp.closed.example", null, 0, 0, 0);
        dns.host("closed.example", "127.0.0.45");
        dns.srv("_xmpp-server._tcp.literal.example", "127.0.0.46", 25004, 0, 0);
        dir = Files.createTempDirectory("chorus-resolver-it");
        dns.start(dir);
        resolver = S2sResolver.create(new S2sResolver.Config(List.of(new InetSocketAddress(DNS_IP, dns.port())),
                Duration.ofSeconds(2), Map.of()));
    }

    @AfterAll
    static void stopDns() throws Exception {
        if (dns != null) {
            dns.close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static List<S2sEndpoint.Address> resolve(String domain) throws Exception {
        return resolver.resolve(domain).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String show(List<S2sEndpoint.Address> addresses) {
        return String.join(" ", addresses.stream().map(a -> a.address().getAddress().getHostAddress() + ":"
                + a.address().getPort() + (a.directTls() ? "/tls" : "")).toList());
    }

    @Test
    void srvRecordsOfBothServicesComeInPriorityOrderWithTheirTargetsAddresses() throws Exception {
        assertEquals("127.0.0.42:25003/tls 127.0.0.42:25001 127.0.0.43:25002", show(resolve("srv.example")), dns.log());
        String log = dns.log();
        assertTrue(log.contains("query[SRV] _xmpps-server._tcp.srv.example"), log);
        assertTrue(log.contains("query[SRV] _xmpp-server._tcp.srv.example"), log);
        assertTrue(log.contains("query[A] host-a.srv.example"), log);
    }

    @Test
    void aDomainWithoutSrvRecordsIsReachedOnItsOwnAddressAndPort5269() throws Exception {
        assertEquals("127.0.0.44:5269", show(resolve("plain.example")), dns.log());
    }

    @Test
    void anSrvTargetThatIsAnIpLiteralIsTheAddress() throws Exception {
        assertEquals("127.0.0.46:25004", show(resolve("literal.example")), dns.log());
    }

    @Test
    void aDomainThatPublishesNoServiceIsNotFoundEvenWithAnAddress() {
        ExecutionException e = assertThrows(ExecutionException.class, () -> resolve("closed.example"), dns.log());
        assertInstanceOf(S2sResolver.NotFound.class, e.getCause());
    }

    @Test
    void anUnknownDomainIsNotFound() {
        ExecutionException e = assertThrows(ExecutionException.class, () -> resolve("nowhere.example"));
        assertInstanceOf(S2sResolver.NotFound.class, e.getCause(), e.getCause().toString());
    }
}
