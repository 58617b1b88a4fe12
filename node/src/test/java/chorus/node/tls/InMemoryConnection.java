package chorus.node.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A client and a server pipeline joined in memory: what one writes, the other reads. No sockets, no ports. */
final class InMemoryConnection {
    final EmbeddedChannel client;
    final EmbeddedChannel server;
    // Kept here: a failed handshake closes the channel, which empties its pipeline.
    private final SslHandler clientTls;
    private final SslHandler serverTls;

    InMemoryConnection(SslHandler clientTls, SslHandler serverTls) {
        this.clientTls = clientTls;
        this.serverTls = serverTls;
        this.server = new EmbeddedChannel(serverTls);
        this.client = new EmbeddedChannel(clientTls); // a client handler sends its ClientHello on activation
    }

    /** Connects both sides and moves bytes until neither has anything left to say. */
    static InMemoryConnection handshake(SslHandler clientTls, SslHandler serverTls) {
        InMemoryConnection connection = new InMemoryConnection(clientTls, serverTls);
        connection.pump();
        return connection;
    }

    SslHandler clientTls() {
        return clientTls;
    }

    SslHandler serverTls() {
        return serverTls;
    }

    boolean handshakeSucceeded() {
        return clientTls().handshakeFuture().isSuccess() && serverTls().handshakeFuture().isSuccess();
    }

    /** The server's handshake failure, or null. */
    Throwable serverFailure() {
        return serverTls().handshakeFuture().cause();
    }

    /** The client writes text; returns what the server application reads. */
    String clientSends(String text) {
        client.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        pump();
        return readText(server);
    }

    /** What the client application has read so far. */
    String clientReceived() {
        return readText(client);
    }

    private static String readText(EmbeddedChannel channel) {
        StringBuilder received = new StringBuilder();
        for (ByteBuf data; (data = channel.readInbound()) != null; ) {
            received.append(data.toString(StandardCharsets.UTF_8));
            data.release();
        }
        return received.toString();
    }

    void pump() {
        boolean moved;
        do {
            moved = transfer(client, server) | transfer(server, client);
        } while (moved);
    }

    /** Everything a channel wrote and no one has read yet, as raw bytes. */
    static List<byte[]> drainOutbound(EmbeddedChannel channel) {
        List<byte[]> written = new ArrayList<>();
        for (ByteBuf data; (data = channel.readOutbound()) != null; ) {
            written.add(ByteBufUtil.getBytes(data));
            data.release();
        }
        return written;
    }

    private static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (Object data; (data = from.readOutbound()) != null; ) {
            moved = true;
            if (!to.isOpen()) {
                ReferenceCountUtil.release(data);
                continue;
            }
            try {
                to.writeInbound(data);
            } catch (Exception e) {
                // A failed handshake: the handler's handshake future holds the cause; the tests read it there.
            }
        }
        return moved;
    }
}
