package chorus.node.it;

import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A node that stops ends its clients' streams with a reason: system-shutdown, or see-other-host
 * naming where to reconnect when the admin configured it (RFC 6120 §4.9.3.19).
 */
class ShutdownIT {

    @Test
    void clientsOfAStoppingNodeAreToldToSeeTheOtherHost() throws Exception {
        StreamError error = errorAtShutdown(Map.of("chorus.c2s.see-other-host", "xmpp.chorus.test:5222"));
        assertEquals(StreamError.Condition.see_other_host, error.getCondition());
        assertEquals("xmpp.chorus.test:5222", error.getConditionText());
    }

    @Test
    void withoutAnotherHostClientsHearSystemShutdown() throws Exception {
        assertEquals(StreamError.Condition.system_shutdown, errorAtShutdown(Map.of()).getCondition());
    }

    private static StreamError errorAtShutdown(Map<String, Object> overrides) throws Exception {
        TestNode node = TestNode.start(overrides);
        CompletableFuture<Exception> closed = new CompletableFuture<>();
        try {
            node.createUser("viola", "pw-viola");
            XMPPTCPConnection c = Clients.login(node, "viola", "pw-viola", "phone");
            c.addConnectionListener(new ConnectionListener() {
                @Override
                public void connectionClosedOnError(Exception e) {
                    closed.complete(e);
                }
            });
        } finally {
            node.close();
        }
        Exception e = closed.get(10, TimeUnit.SECONDS);
        return assertInstanceOf(XMPPException.StreamErrorException.class, e).getStreamError();
    }
}
