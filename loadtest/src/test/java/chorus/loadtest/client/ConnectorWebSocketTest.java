package chorus.loadtest.client;

import chorus.loadtest.sasl.Mechanism;
import chorus.loadtest.sasl.SaltedPasswordCache;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generator's WebSocket path over real sockets, against a scripted server made of Netty's WebSocket server
 * handler: the upgrade asks for the path and the {@code xmpp} subprotocol, each element travels as one text message,
 * and a server that does not choose {@code xmpp} fails the login at the upgrade.
 */
class ConnectorWebSocketTest {
    static final String OPEN = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='example.org' id='s' version='1.0'/>";
    final NioEventLoopGroup server = new NioEventLoopGroup(1);
    final List<String> heard = new CopyOnWriteArrayList<>();
    /** The script's one piece of state: before SASL success it offers PLAIN, after it binding. */
    static final AtomicBoolean authenticated = new AtomicBoolean();

    @AfterEach
    void stop() {
        server.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A WebSocket server at /xmpp-websocket offering {@code subprotocol}, answering a PLAIN login in one script. */
    InetSocketAddress serve(String subprotocol) {
        Channel ch = new ServerBootstrap().group(server).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel c) {
                    c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                        new WebSocketServerProtocolHandler("/xmpp-websocket", subprotocol),
                        new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                                String text = f.text();
                                heard.add(text);
                                for (String reply : script(text)) {
                                    ctx.writeAndFlush(new TextWebSocketFrame(reply));
                                }
                            }
                        });
                }
            }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return (InetSocketAddress) ch.localAddress();
    }

    static List<String> script(String text) {
        if (text.startsWith("<open") && text.contains("xmpp-framing")) {
            return List.of(OPEN, "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                + (!authenticated.get()
                ? "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>"
                : "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>") + "</stream:features>");
        }
        if (text.startsWith("<auth")) {
            authenticated.set(true);
            return List.of("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        }
        if (text.contains("id='bind1'")) {
            return List.of("<iq xmlns='jabber:client' type='result' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>a@example.org/r</jid></bind></iq>");
        }
        return List.of();
    }

    static ClientConfig ws() {
        return new ClientConfig("example.org", TlsMode.NONE, Mechanism.PLAIN, SaltedPasswordCache.disabled(),
            Duration.ofSeconds(10), Transport.WEBSOCKET, "/xmpp-websocket");
    }

    @Test
    void aLoginOverWebSocketUpgradesWithTheXmppSubprotocolAndSendsOneElementPerMessage() {
        authenticated.set(false);
        InetSocketAddress at = serve("xmpp");
        try (Connector c = new Connector(ws(), List.of(at), List.of(), 1)) {
            XmppSession s = c.open(0, new Account("a", "example.org", "p"), XmppSession.Purpose.LOGIN, null);
            s.ready().join();
            assertEquals("a@example.org/r", s.fullJid());
            assertEquals(4, heard.size(), heard.toString());
            assertEquals(Stanzas.wsOpen("example.org"), heard.get(0));
            assertTrue(heard.get(1).startsWith("<auth "), heard.get(1));
            assertEquals(Stanzas.wsOpen("example.org"), heard.get(2), "a new <open/> after SASL success");
            assertTrue(heard.get(3).startsWith("<iq type='set' id='bind1'>"), heard.get(3));
        }
    }

    @Test
    void aServerThatDoesNotChooseTheXmppSubprotocolFailsTheLoginAtTheUpgrade() {
        InetSocketAddress at = serve("not-xmpp");
        try (Connector c = new Connector(ws(), List.of(at), List.of(), 1)) {
            XmppSession s = c.open(0, new Account("a", "example.org", "p"), XmppSession.Purpose.LOGIN, null);
            CompletionException e = assertThrows(CompletionException.class, () -> s.ready().join());
            String reason = assertInstanceOf(SetupFailure.class, e.getCause()).reason();
            assertTrue(reason.startsWith("upgrade:"), reason);
            assertEquals(List.of(), heard, "no stream without the subprotocol");
        }
    }
}
