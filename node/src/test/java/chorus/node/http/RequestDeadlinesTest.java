package chorus.node.http;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static chorus.node.http.HttpDispatcherTest.channel;
import static chorus.node.http.HttpDispatcherTest.request;
import static chorus.node.http.HttpDispatcherTest.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request clock on an embedded connection: LIMITS give 30 s for a head, 4 KiB/s for a body. */
class RequestDeadlinesTest {
    /** A route that reads bodies and hears when one is cut short. */
    static final class Sink implements Route {
        final AtomicBoolean aborted = new AtomicBoolean();

        @Override
        public boolean serves(String path) {
            return path.startsWith("/sink");
        }

        @Override
        public String methods() {
            return "PUT";
        }

        @Override
        public Exchange open(HttpRequest request, String path, Reply reply) {
            return new Exchange() {
                @Override
                public void content(HttpContent chunk) {
                }

                @Override
                public void aborted() {
                    aborted.set(true);
                }
            };
        }
    }

    static void later(EmbeddedChannel ch, long seconds) {
        ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
    }

    @Test
    void aHeadThatTricklesGets408AndTheConnectionCloses() {
        EmbeddedChannel ch = channel(List.of("*"));
        later(ch, 20);
        request(ch, "GET /.well-known/host-meta HTTP/1.1\n");
        assertEquals("", written(ch));
        later(ch, 5);
        assertEquals("", written(ch), "25 s since the connection opened");
        request(ch, "Host: x\n");
        later(ch, 6);
        assertTrue(written(ch).startsWith("HTTP/1.1 408"), "the first head within 30 s of the opening");
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
    }

    @Test
    void aHeadThatArrivesInTimeIsAnsweredAndTheNextOnesClockStartsWithItsFirstByte() {
        EmbeddedChannel ch = channel(List.of("*"));
        request(ch, "GET /.well-known/host-meta HTTP/1.1\nHost: x\n\n");
        assertTrue(written(ch).startsWith("HTTP/1.1 200"));
        later(ch, 60);
        assertTrue(ch.isOpen(), "waiting for a next request is the idle timeout's business");
        request(ch, "GET /.well-known/host-meta HTTP/1.1\n");
        later(ch, 29);
        assertEquals("", written(ch));
        later(ch, 2);
        assertTrue(written(ch).startsWith("HTTP/1.1 408"));
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
    }

    @Test
    void aBodyBelowTheMinimumRateGets408AndItsRouteHearsItWasCut() {
        Sink sink = new Sink();
        EmbeddedChannel ch = channel(List.of("*"), sink);
        request(ch, "PUT /sink HTTP/1.1\nHost: x\nContent-Length: 1000000\n\n");
        request(ch, "x".repeat(200_000));
        later(ch, 30);
        assertEquals("", written(ch), "200 KB in 30 s is above 4 KiB/s");
        request(ch, "x".repeat(1000));
        later(ch, 30);
        assertTrue(written(ch).startsWith("HTTP/1.1 408"));
        assertTrue(sink.aborted.get());
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
    }
}
