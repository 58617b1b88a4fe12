package chorus.node.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import chorus.node.config.HttpSettings;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP listener's last stage over an in-memory connection: routes, CORS, order of answers, host-meta. */
class HttpDispatcherTest {
    static final HostMeta HOST_META = new HostMeta("wss://chat.example.org/xmpp-websocket",
        "https://chat.example.org/http-bind");

    /** A route that answers only when told to, as BOSH does with a held request. */
    static final class Held implements Route {
        final List<Reply> waiting = new ArrayList<>();

        @Override
        public boolean serves(String path) {
            return path.equals("/held");
        }

        @Override
        public String methods() {
            return "POST";
        }

        @Override
        public Exchange open(HttpRequest request, String path, Reply reply) {
            waiting.add(reply);
            return NO_BODY;
        }
    }

    static final HttpSettings.Limits LIMITS = new HttpSettings.Limits(Duration.ofSeconds(30), 4096, 100, 10, 4);

    static EmbeddedChannel channel(List<String> origins, Route... routes) {
        List<Route> all = new ArrayList<>(List.of(routes));
        all.add(HOST_META);
        RequestDeadlines deadlines = new RequestDeadlines(LIMITS);
        return new EmbeddedChannel(deadlines, new HttpServerCodec(), new ChunkedWriteHandler(),
            new HttpDispatcher(all, new Cors(origins, "https://chat.example.org"), true, deadlines));
    }

    static void request(EmbeddedChannel ch, String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text.replace("\n", "\r\n"), StandardCharsets.UTF_8));
    }

    static String written(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            sb.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return sb.toString();
    }

    @Test
    void hostMetaNamesTheWebSocketAndBoshEndpointsInXmlAndJson() {
        EmbeddedChannel ch = channel(List.of("*"));
        request(ch, "GET /.well-known/host-meta HTTP/1.1\nHost: chat.example.org\n\n");
        String xml = written(ch);
        assertTrue(xml.startsWith("HTTP/1.1 200 OK"), xml);
        assertTrue(xml.contains("application/xrd+xml"), xml);
        assertTrue(xml.contains("<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">"), xml);
        assertTrue(xml.contains("<Link rel=\"urn:xmpp:alt-connections:websocket\" href=\"wss://chat.example.org/xmpp-websocket\"/>"), xml);
        assertTrue(xml.contains("<Link rel=\"urn:xmpp:alt-connections:xbosh\" href=\"https://chat.example.org/http-bind\"/>"), xml);

        request(ch, "GET /.well-known/host-meta.json HTTP/1.1\nHost: chat.example.org\nOrigin: https://app.example\n\n");
        String json = written(ch);
        assertTrue(json.contains("application/json"), json);
        assertTrue(json.contains("{\"links\":[{\"rel\":\"urn:xmpp:alt-connections:websocket\",\"href\":"
            + "\"wss://chat.example.org/xmpp-websocket\"},{\"rel\":\"urn:xmpp:alt-connections:xbosh\","
            + "\"href\":\"https://chat.example.org/http-bind\"}]}"), json);
        assertTrue(json.contains("access-control-allow-origin: *"), "any origin may read it: " + json);
    }

    @Test
    void aHeadRequestGetsTheHeadersWithoutTheBody() {
        EmbeddedChannel ch = channel(List.of("*"));
        request(ch, "HEAD /.well-known/host-meta.json HTTP/1.1\nHost: x\n\n");
        String r = written(ch);
        assertTrue(r.startsWith("HTTP/1.1 200 OK") && r.contains("content-length: "), r);
        assertTrue(r.endsWith("\r\n\r\n"), "no body: " + r);
    }

    @Test
    void onlyTheConfiguredOriginsAreAllowedAndPreflightsAreAnswered() {
        EmbeddedChannel ch = channel(List.of("https://app.example"));
        request(ch, "OPTIONS /.well-known/host-meta.json HTTP/1.1\nHost: x\nOrigin: https://app.example\n"
            + "Access-Control-Request-Method: GET\n\n");
        String allowed = written(ch);
        assertTrue(allowed.startsWith("HTTP/1.1 204"), allowed);
        assertTrue(allowed.contains("access-control-allow-origin: https://app.example"), allowed);
        assertTrue(allowed.contains("access-control-allow-methods: GET, HEAD, OPTIONS"), allowed);
        assertTrue(allowed.contains("vary: origin"), allowed);

        request(ch, "OPTIONS /.well-known/host-meta.json HTTP/1.1\nHost: x\nOrigin: https://evil.example\n"
            + "Access-Control-Request-Method: GET\n\n");
        String refused = written(ch);
        assertTrue(refused.startsWith("HTTP/1.1 204"), refused);
        assertFalse(refused.contains("access-control-allow"), "the browser refuses: " + refused);

        request(ch, "GET /.well-known/host-meta.json HTTP/1.1\nHost: x\nOrigin: https://chat.example.org\n\n");
        assertTrue(written(ch).contains("access-control-allow-origin: https://chat.example.org"),
            "the listener's own pages are always allowed");
        assertTrue(Cors.normalize("HTTPS://App.Example:443/").equals("https://app.example"));
    }

    @Test
    void anUnknownPathIsNotFoundAndABadRequestClosesTheConnection() {
        EmbeddedChannel ch = channel(List.of("*"));
        request(ch, "GET /nothing/here HTTP/1.1\nHost: x\n\n");
        assertTrue(written(ch).startsWith("HTTP/1.1 404"));
        assertTrue(ch.isOpen(), "kept alive");
        request(ch, "GET /" + "x".repeat(5000) + " HTTP/1.1\nHost: x\n\n");
        assertTrue(written(ch).startsWith("HTTP/1.1 400"));
        ch.runPendingTasks();
        assertFalse(ch.isOpen(), "closed after a request it could not read");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderBehindAHeldOne() {
        Held held = new Held();
        EmbeddedChannel ch = channel(List.of("*"), held);
        request(ch, "POST /held HTTP/1.1\nHost: x\nContent-Length: 0\n\n"
            + "GET /.well-known/host-meta.json HTTP/1.1\nHost: x\n\n");
        assertEquals("", written(ch), "the second answer waits for the first");
        assertFalse(ch.config().isAutoRead(), "reading paused behind the held request");
        held.waiting.get(0).send(Responses.text(HttpResponseStatus.OK, "first"));
        ch.runPendingTasks();
        String both = written(ch);
        assertTrue(both.indexOf("first") > 0 && both.indexOf("first") < both.indexOf("links"), both);
        assertTrue(ch.config().isAutoRead());
        // A late second answer to the same request is dropped.
        held.waiting.get(0).send(Responses.text(HttpResponseStatus.OK, "again"));
        ch.runPendingTasks();
        assertEquals("", written(ch));
        assertEquals(LastHttpContent.EMPTY_LAST_CONTENT.content().readableBytes(), 0);
        assertEquals(HttpHeaderNames.ORIGIN.toString(), "origin");
    }
}
