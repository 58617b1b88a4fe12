package chorus.node.http;

import chorus.node.config.HttpSettings;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static chorus.node.http.HttpDispatcherTest.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The listener's connection count, on embedded connections (all of one unknown source). */
class HttpConnectionCapsTest {
    static EmbeddedChannel connect(HttpConnectionCaps caps) {
        EmbeddedChannel ch = new EmbeddedChannel(caps.new Gate(), new HttpServerCodec());
        ch.runPendingTasks();
        return ch;
    }

    @Test
    void pastTheNodesCapAConnectionGets503AndIsClosedAndAPlaceComesBackOnceWhenOneLeaves() {
        HttpConnectionCaps caps = new HttpConnectionCaps(new HttpSettings.Limits(Duration.ofSeconds(30), 4096, 2, 2, 1),
            false);
        EmbeddedChannel a = connect(caps);
        EmbeddedChannel b = connect(caps);
        assertEquals(2, caps.connections());
        EmbeddedChannel c = connect(caps);
        assertTrue(written(c).startsWith("HTTP/1.1 503"));
        assertFalse(c.isOpen());
        assertEquals(2, caps.connections(), "a refused connection takes no place");

        // An upgraded WebSocket leaves the count at once; its close later gives nothing back twice.
        HttpConnectionCaps.leave(a);
        assertEquals(1, caps.connections());
        a.close();
        assertEquals(1, caps.connections());
        EmbeddedChannel d = connect(caps);
        assertTrue(d.isOpen());
        assertEquals(2, caps.connections());
        b.close();
        d.close();
        assertEquals(0, caps.connections());
    }

    @Test
    void pastTheSourcesCapAConnectionGets429AndTheSourceIsForgottenWithItsLastConnection() {
        HttpConnectionCaps caps = new HttpConnectionCaps(new HttpSettings.Limits(Duration.ofSeconds(30), 4096, 10, 1, 1),
            true);
        EmbeddedChannel a = connect(caps);
        EmbeddedChannel b = connect(caps);
        assertTrue(written(b).startsWith("HTTP/1.1 429"));
        assertFalse(b.isOpen());
        assertEquals(1, caps.connections());
        assertEquals(1, caps.sources());
        a.close();
        assertEquals(0, caps.connections());
        assertEquals(0, caps.sources(), "nothing about the source stays");
    }
}
