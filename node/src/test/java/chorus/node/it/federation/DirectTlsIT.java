package chorus.node.it.federation;

import chorus.node.it.FederatedNode;
import chorus.node.it.TestNode;
import chorus.node.tls.TestCa;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * XEP-0368 end to end: two Chorus clusters ({@code c.example} on 127.0.1.43, {@code d.example} on 127.0.1.44) whose
 * resolvers know each other only by their direct-TLS ports (TLS from the first byte, no STARTTLS); chat crosses both
 * ways with SASL EXTERNAL, and the only connections between them are to those ports (seen with {@code ss}).
 */
class DirectTlsIT {
    static final String C_IP = "127.0.1.43";
    static final String D_IP = "127.0.1.44";
    static FederatedNode c;
    static FederatedNode d;
    static int cTls;
    static int dTls;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("chorus-direct-tls-");
        TestCa ca = TestCa.create("Direct TLS test CA");
        Path caFile = ca.writeCertificate(dir.resolve("ca.pem"));
        cTls = TestNode.freePort();
        dTls = TestNode.freePort();
        FederatedNode.Options oc = new FederatedNode.Options("c.example", C_IP);
        FederatedNode.Options od = new FederatedNode.Options("d.example", D_IP);
        oc.certificate(TestCa.writeIdentity(ca.issue(TestCa.Names.dns("c.example", "*.c.example")), dir, "c")).trust(caFile)
            .peerDirectTls("d.example", D_IP, dTls).set("chorus.s2s.tls-port", cTls);
        od.certificate(TestCa.writeIdentity(ca.issue(TestCa.Names.dns("d.example", "*.d.example")), dir, "d")).trust(caFile)
            .peerDirectTls("c.example", C_IP, cTls).set("chorus.s2s.tls-port", dTls);
        c = FederatedNode.start(oc);
        d = FederatedNode.start(od);
        c.createUser("carol", "pw-carol");
        d.createUser("dan", "pw-dan");
    }

    @AfterAll
    static void stop() {
        for (FederatedNode n : new FederatedNode[] {c, d}) {
            if (n != null) {
                n.close();
            }
        }
    }

    /** Established TCP connections to this address and port. */
    static int connectionsTo(String ip, int port) throws Exception {
        return chorus.node.it.Established.to(ip, port, false).size();
    }

    @Test
    void chatCrossesBothWaysOverDirectTlsPortsOnly() throws Exception {
        XMPPTCPConnection carol = c.login("carol", "pw-carol", "xep0368");
        XMPPTCPConnection dan = d.login("dan", "pw-dan", "xep0368");
        try {
            Federated.assertChat(carol, dan, "c to d over direct TLS", () -> "(see the test log)");
            Federated.assertChat(dan, carol, "d to c over direct TLS", () -> "(see the test log)");
            int toD = connectionsTo(D_IP, dTls);
            int toC = connectionsTo(C_IP, cTls);
            int starttls = connectionsTo(D_IP, d.s2sPort) + connectionsTo(C_IP, c.s2sPort);
            System.out.println("DirectTlsIT: connections to d's direct-TLS port " + toD + ", to c's " + toC
                + ", to the STARTTLS ports " + starttls);
            assertEquals(1, toD, "c's stream to d");
            assertEquals(1, toC, "d's stream to c");
            assertEquals(0, starttls, "a stream went to a STARTTLS port");
        } finally {
            carol.disconnect();
            dan.disconnect();
        }
    }
}
