package chorus.node.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.stream.ChunkedInput;

/**
 * How a route answers one request, once, from any thread. The listener adds the CORS headers the request's origin
 * is allowed and keeps the connection for the next request, or closes it when the client asked, or when the body
 * was not read to its end.
 */
public interface Reply {

    /** Sends a complete response. */
    void send(FullHttpResponse response);

    /** Sends the head, then the body read from {@code body} as the client takes it (a stored file). */
    void stream(HttpResponse head, ChunkedInput<ByteBuf> body);

    /** Sends a complete response; {@code written} runs once it went out to the connection. */
    void sendThen(FullHttpResponse response, Runnable written);

    /** The route took the connection over (a WebSocket): the listener lets go of it. */
    void upgraded();

    /** The connection, for reading it and switching its reading on and off; never for writing around the reply. */
    Channel channel();

    /** Whether the connection is encrypted, or the listener was told TLS ends at a proxy in front. */
    boolean secure();
}
