package chorus.node.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** Responses of the HTTP routes: every one says what it is and forbids sniffing another type into it. */
public final class Responses {
    /** Not among Netty's header names. */
    public static final String NOSNIFF_HEADER = "X-Content-Type-Options";

    private Responses() {
    }

    /** A body of this type. */
    public static FullHttpResponse of(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().set(Responses.NOSNIFF_HEADER, "nosniff");
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    public static FullHttpResponse of(HttpResponseStatus status, String contentType, String body) {
        return of(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Plain text, for errors. */
    public static FullHttpResponse text(HttpResponseStatus status, String body) {
        return of(status, "text/plain; charset=utf-8", body);
    }

    /** No body. */
    public static FullHttpResponse empty(HttpResponseStatus status) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        return r;
    }

    /** A method the route does not take (RFC 9110 §15.5.6). */
    public static FullHttpResponse methodNotAllowed(String allow) {
        FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
        r.headers().set(HttpHeaderNames.ALLOW, allow + ", OPTIONS");
        return r;
    }

    /** The answer to a {@code HEAD}: the headers a {@code GET} gets, without the body. */
    public static FullHttpResponse head(FullHttpResponse get) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, get.status());
        r.headers().set(get.headers());
        get.release();
        return r;
    }
}
