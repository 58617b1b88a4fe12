package chorus.node.http;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which web pages may use the listener from a browser (the Fetch standard's CORS protocol): pages of the
 * configured origins, or of any origin. Nothing the listener serves depends on cookies or other ambient
 * credentials (XMPP authenticates inside the stream), so no response ever allows credentials. A WebSocket
 * handshake is not subject to CORS in browsers; {@link #allows} is checked for it by the WebSocket route.
 */
public final class Cors {
    static final String ALLOWED_HEADERS = "Content-Type";
    static final String MAX_AGE = "86400";

    private final List<String> origins;
    private final String own;

    /**
     * @param origins   {@code *}, or the allowed origins ({@code scheme://host[:port]})
     * @param publicUrl the listener's own public URL: its pages are always allowed
     */
    public Cors(List<String> origins, String publicUrl) {
        this.origins = origins.stream().map(Cors::normalize).toList();
        this.own = normalize(publicUrl);
    }

    /** Whether a page of this origin (the request's {@code Origin}; null: not a cross-origin browser request) may. */
    public boolean allows(String origin) {
        if (origin == null) {
            return true;
        }
        String o = normalize(origin);
        return origins.contains("*") || origins.contains(o) || o.equals(own);
    }

    /** Adds what the request's origin is allowed to a response to it. */
    void decorate(HttpRequest request, HttpResponse response) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin == null || !allows(origin)) {
            return;
        }
        HttpHeaders h = response.headers();
        if (origins.contains("*")) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        } else {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        }
    }

    /** Whether the request is a CORS preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}). */
    static boolean isPreflight(HttpRequest request) {
        return request.method().name().equals("OPTIONS")
            && request.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    }

    /** The answer to a preflight for a route taking {@code methods}: allowed, or a plain 204 the browser refuses. */
    FullHttpResponse preflight(HttpRequest request, String methods) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && allows(origin)) {
            decorate(request, r);
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods + ", OPTIONS");
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS);
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE);
        }
        return r;
    }

    /** RFC 6454 §6.1: scheme and host in lower case, the port only when it is not the scheme's default. */
    static String normalize(String origin) {
        if (origin.equals("*")) {
            return origin;
        }
        try {
            URI u = URI.create(origin.strip());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
            int port = u.getPort();
            boolean standard = port == -1 || port == 443 && scheme.equals("https") || port == 80 && scheme.equals("http");
            return scheme + "://" + host + (standard ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return origin;
        }
    }
}
