package chorus.loadtest.client;

/**
 * How a connection carries its stream: a TCP socket (RFC 6120), or WebSocket messages on a server's HTTPS listener
 * (RFC 7395: subprotocol {@code xmpp}, one element per message, {@code <open/>} and {@code <close/>} framing).
 */
public enum Transport {
    TCP,
    WEBSOCKET;

    public static Transport parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "tcp" -> TCP;
            case "websocket", "ws" -> WEBSOCKET;
            default -> throw new IllegalArgumentException("--transport is tcp or websocket, not '" + s + "'");
        };
    }
}
