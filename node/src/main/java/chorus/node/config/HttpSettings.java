package chorus.node.config;

import com.typesafe.config.Config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's one HTTP listener ({@code chorus.http}): file upload, WebSocket (RFC 7395), BOSH (XEP-0124/0206),
 * XEP-0156 host-meta and the web presence badge, each a route on it.
 *
 * @param bind        where it binds ({@code chorus.bind} unless given)
 * @param port        its port; 0: no HTTP listener (no uploads, WebSocket, BOSH, host-meta or badge on this node)
 * @param tls         HTTPS with the node's certificate; false: plain HTTP, for a deployment whose TLS ends at a proxy
 *                    in front (the proxy must be the only way in: the listener then trusts every connection as secure)
 * @param publicUrl   how browsers and clients reach it from outside (no trailing slash): {@code https://DOMAIN:PORT}
 *                    unless given; host-meta and upload URLs are built from it
 * @param corsOrigins origins whose pages may use it from a browser (CORS); {@code *} any, none: same-origin only
 * @param idleTimeout a connection with no request in progress is closed after this long
 * @param webSocket   {@code /xmpp-websocket}
 * @param bosh        {@code /http-bind}
 * @param limits      what one request, one source and all clients may hold of the listener
 */
public record HttpSettings(InetAddress bind, int port, boolean tls, String publicUrl, List<String> corsOrigins,
                           Duration idleTimeout, WebSocket webSocket, Bosh bosh, Limits limits) {

    /**
     * @param requestTimeout    a request's head (request line and headers) must arrive whole within this long of its
     *                          first byte (of the connection's opening, TLS handshake included, for the first one)
     * @param minBodyRate       bytes per second a request body must keep up, measured over each
     *                          {@code requestTimeout} while the node is reading it
     * @param maxConnections    HTTP connections open at once on the node (a WebSocket leaves this count for the client
     *                          connections' when it is upgraded)
     * @param maxPerAddress     of them from one IPv4 address or IPv6 /64 (not counted behind a TLS-terminating proxy)
     * @param maxUploads        upload bodies being received at once on the node
     */
    public record Limits(Duration requestTimeout, long minBodyRate, int maxConnections, int maxPerAddress,
                         int maxUploads) {
    }

    /**
     * @param enabled      whether {@code /xmpp-websocket} accepts streams
     * @param pingInterval a WebSocket ping frame goes to a client that sent nothing for this long (RFC 6455 §5.5.2);
     *                     one that then stays silent as long again is gone and its stream ends as a dropped one
     */
    public record WebSocket(boolean enabled, Duration pingInterval) {
    }

    /**
     * XEP-0124 limits the connection manager announces and enforces.
     *
     * @param enabled     whether {@code /http-bind} accepts sessions
     * @param maxWait     the longest a request is held (the client's {@code wait} is cut to it)
     * @param maxHold     requests held at once (the client's {@code hold} is cut to it); {@code requests} is one more
     * @param inactivity  the longest a client may leave the session without a request (§11); then it ends as a
     *                    dropped TCP stream would
     * @param maxPause    the longest pause a client may ask for (§11, {@code maxpause})
     * @param polling     the shortest interval between two empty requests of a polling session (§12)
     * @param maxQueued   bytes waiting for the client's next request; more end the session (a client that does not
     *                    collect what it is sent is treated like a TCP client that does not read)
     * @param peerWait    how long a request for a session of a node this node does not know yet (it has just joined,
     *                    the other's forwarder is not in its registry) waits for it before item-not-found; zero: none
     * @param peerWaitMax requests waiting so at once on the node; more get item-not-found at once
     */
    public record Bosh(boolean enabled, Duration maxWait, int maxHold, Duration inactivity, Duration maxPause,
                       Duration polling, long maxQueued, Duration peerWait, int peerWaitMax) {

        /** XEP-0124 §7.1: the RECOMMENDED {@code requests}, one more than {@code hold}. */
        public int requests() {
            return maxHold + 1;
        }
    }

    static HttpSettings from(Config c, InetAddress clientBind, String domain, C2sSettings c2s) {
        int port = Settings.port(c, "chorus.http.port", true);
        String bindText = c.getString("chorus.http.bind").strip();
        InetAddress bind = bindText.isEmpty() ? clientBind : Settings.ipAddress(c, "chorus.http.bind", "CHORUS_HTTP_BIND");
        boolean tls = c.getBoolean("chorus.http.tls");
        String url = c.getString("chorus.http.public-url").strip();
        if (url.isEmpty()) {
            url = (tls ? "https://" : "http://") + domain + ":" + port;
        } else {
            checkUrl("chorus.http.public-url (CHORUS_HTTP_URL)", url, true);
        }
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        List<String> origins = origins(c.getString("chorus.http.cors-origins"));
        Duration idle = Settings.duration(c, "chorus.http.idle-timeout");
        if (idle.compareTo(Duration.ofSeconds(5)) < 0) {
            throw new SettingsException("chorus.http.idle-timeout", "must be at least 5s");
        }
        Duration ping = Settings.duration(c, "chorus.http.websocket.ping-interval");
        if (ping.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new SettingsException("chorus.http.websocket.ping-interval", "must be at least 1s");
        }
        WebSocket ws = new WebSocket(c.getBoolean("chorus.http.websocket.enabled"), ping);
        Bosh bosh = bosh(c, idle, c2s);
        return new HttpSettings(bind, port, tls, url, origins, idle, ws, bosh, limits(c, idle));
    }

    private static Limits limits(Config c, Duration idle) {
        Duration request = Settings.duration(c, "chorus.http.request-timeout");
        if (request.compareTo(Duration.ofSeconds(1)) < 0 || request.compareTo(idle) > 0) {
            throw new SettingsException("chorus.http.request-timeout", "must be between 1s and chorus.http.idle-timeout");
        }
        long rate = Settings.bytes(c, "chorus.http.min-body-rate", 1, 100L << 20);
        int connections = Settings.intIn(c, "chorus.http.max-connections", 1, 1_000_000);
        int perAddress = Settings.intIn(c, "chorus.http.max-per-address", 1, 1_000_000);
        if (perAddress > connections) {
            throw new SettingsException("chorus.http.max-per-address", "must not be above chorus.http.max-connections");
        }
        int uploads = Settings.intIn(c, "chorus.http.max-uploads", 1, 10_000);
        return new Limits(request, rate, connections, perAddress, uploads);
    }

    private static Bosh bosh(Config c, Duration idle, C2sSettings c2s) {
        Duration wait = Settings.duration(c, "chorus.http.bosh.max-wait");
        if (wait.compareTo(Duration.ofSeconds(1)) < 0 || wait.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new SettingsException("chorus.http.bosh.max-wait", "must be between 1s and 10m");
        }
        if (idle.compareTo(wait.plusSeconds(5)) < 0) {
            throw new SettingsException("chorus.http.idle-timeout",
                "must be at least chorus.http.bosh.max-wait plus 5s (a held request is not idle, but its connection is)");
        }
        int hold = Settings.intIn(c, "chorus.http.bosh.max-hold", 1, 5);
        Duration inactivity = Settings.duration(c, "chorus.http.bosh.inactivity");
        if (inactivity.compareTo(Duration.ofSeconds(5)) < 0) {
            throw new SettingsException("chorus.http.bosh.inactivity", "must be at least 5s");
        }
        Duration pause = Settings.duration(c, "chorus.http.bosh.max-pause");
        Duration polling = Settings.duration(c, "chorus.http.bosh.polling");
        long queued = Settings.bytes(c, "chorus.http.bosh.max-queued", c2s.maxStanzaSize(), 1L << 30);
        Duration peerWait = Settings.duration(c, "chorus.http.bosh.peer-wait");
        if (peerWait.isNegative() || peerWait.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new SettingsException("chorus.http.bosh.peer-wait", "must be between 0s and 1m");
        }
        int peerWaitMax = Settings.intIn(c, "chorus.http.bosh.peer-wait-max-requests", 1, 1_000_000);
        return new Bosh(c.getBoolean("chorus.http.bosh.enabled"), wait, hold, inactivity, pause, polling, queued,
            peerWait, peerWaitMax);
    }

    /** {@code *}, nothing, or origins ({@code scheme://host[:port]}) separated by commas or spaces. */
    static List<String> origins(String text) {
        String t = text.strip();
        if (t.equals("*")) {
            return List.of("*");
        }
        List<String> out = new ArrayList<>();
        for (String o : t.split("[,\\s]+")) {
            if (o.isEmpty()) {
                continue;
            }
            checkUrl("chorus.http.cors-origins (CHORUS_HTTP_CORS_ORIGINS)", o, false);
            out.add(o.endsWith("/") ? o.substring(0, o.length() - 1) : o);
        }
        return List.copyOf(out);
    }

    private static void checkUrl(String key, String url, boolean pathAllowed) {
        try {
            URI u = new URI(url);
            boolean web = "https".equals(u.getScheme()) || "http".equals(u.getScheme());
            boolean path = u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/");
            if (!web || u.getHost() == null || u.getRawQuery() != null || (!pathAllowed && path)) {
                throw new URISyntaxException(url, pathAllowed ? "not an http(s) URL" : "not an origin (scheme://host[:port])");
            }
        } catch (URISyntaxException e) {
            throw new SettingsException(key, "'" + url + "' is " + e.getReason());
        }
    }

    public boolean enabled() {
        return port > 0;
    }

    /** Whether pages of any origin may use the listener. */
    public boolean anyOrigin() {
        return corsOrigins.contains("*");
    }

    /** The WebSocket URL host-meta announces: the public URL with ws(s) for http(s). */
    public String webSocketUrl() {
        return (publicUrl.startsWith("https:") ? "wss:" + publicUrl.substring(6) : "ws:" + publicUrl.substring(5))
            + "/xmpp-websocket";
    }

    public String boshUrl() {
        return publicUrl + "/http-bind";
    }
}
