package chorus.node.bosh;

import chorus.actors.xmpp.Element;
import chorus.node.c2s.ConnectionCaps;
import chorus.node.c2s.SessionCounter;
import chorus.node.config.C2sSettings;
import chorus.node.config.HttpSettings;
import chorus.node.http.Reply;
import chorus.node.http.Responses;
import chorus.node.http.Route;
import chorus.node.session.SessionContext;
import chorus.node.stream.StreamLimits;
import chorus.node.xmppstream.ClientSource;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code /http-bind} (XEP-0124 §5, XEP-0206): each POST carries one {@code <body/>} of at most a stanza and a
 * little; it goes to its session wherever that lives ({@link BoshSessions}), or starts one, and its answer comes back
 * when the session has something to send or the request's {@code wait} is over. A body that is not one well-formed
 * {@code <body/>} gets the bad-request terminal error. Every session counts in
 * {@code chorus_sessions{transport="bosh"}}.
 */
public final class BoshRoute implements Route {
    public static final String PATH = "/http-bind";

    private final ActorSystem<?> system;
    private final BoshSessions sessions;
    private final StreamLimits limits;
    private final int maxBody;
    private final Duration answerWithin;

    /** {@code counter}: this transport's own (a child of the node's). */
    public BoshRoute(ActorSystem<?> system, SessionContext sessionContext, SessionCounter counter, ConnectionCaps caps,
                     HttpSettings http, C2sSettings c2s, String domain, Clock clock) {
        this.system = system;
        this.maxBody = c2s.maxStanzaSize() + 8192;
        // The body is one more level around the stanzas.
        this.limits = new StreamLimits(maxBody, c2s.maxDepth() + 1, StreamLimits.DEFAULTS.maxHeaderBytes(),
            c2s.limits().maxAttributes(), c2s.limits().maxNamespaces());
        this.sessions = new BoshSessions(system, domain, http.bosh(), c2s.maxStanzaSize(), clock, sessionContext, counter,
            caps, !http.tls(), limits);
        // held up to max-wait, after waiting up to peer-wait for the session's node to be known
        this.answerWithin = http.bosh().maxWait().plus(http.bosh().peerWait()).plusSeconds(20);
    }

    @Override
    public boolean serves(String path) {
        return path.equals(PATH) || path.equals(PATH + "/");
    }

    @Override
    public String methods() {
        return "POST";
    }

    @Override
    public Exchange open(HttpRequest request, String path, Reply reply) {
        if (!request.method().equals(HttpMethod.POST)) {
            reply.send(Responses.methodNotAllowed(methods()));
            return NO_BODY;
        }
        if (HttpUtil.getContentLength(request, 0L) > maxBody) {
            reply.send(Responses.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "a BOSH body holds " + maxBody
                + " bytes at most\n"));
            return NO_BODY;
        }
        ClientSource source = ClientSource.of(reply.channel().remoteAddress() instanceof InetSocketAddress a
            ? a.getAddress() : null);
        ByteArrayOutputStream body = new ByteArrayOutputStream(1024);
        return new Exchange() {
            private boolean over;

            @Override
            public void content(HttpContent chunk) {
                if (over) {
                    return;
                }
                int n = chunk.content().readableBytes();
                if (body.size() + n > maxBody) {
                    over = true;
                    reply.send(Responses.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "a BOSH body holds "
                        + maxBody + " bytes at most\n"));
                    return;
                }
                byte[] bytes = new byte[n];
                chunk.content().getBytes(chunk.content().readerIndex(), bytes);
                body.write(bytes, 0, n);
                if (chunk instanceof LastHttpContent) {
                    take(body.toByteArray(), reply, source);
                }
            }

            @Override
            public void aborted() {
                // The session answers a request whose connection is gone all the same: its response waits, buffered,
                // for the client to send the request again (XEP-0124 §14.3).
            }
        };
    }

    private void take(byte[] raw, Reply reply, ClientSource source) {
        Element body;
        try {
            body = BoshBody.parse(raw, limits);
        } catch (BoshBody.Malformed e) {
            answer(reply, BoshReply.terminate("bad-request"));
            return;
        }
        if (body.attr("sid") == null && BoshBody.number(body, "rid", -1) < 0) {
            answer(reply, BoshReply.terminate("bad-request"));
            return;
        }
        AskPattern.<BoshSessions.Forwarded, BoshReply>ask(sessions.entry(),
                replyTo -> new BoshSessions.Take(body, raw, reply.secure(), source, replyTo), answerWithin,
                system.scheduler())
            .whenComplete((r, failure) -> answer(reply, failure == null ? r : BoshReply.terminate("internal-server-error")));
    }

    private static void answer(Reply reply, BoshReply r) {
        FullHttpResponse response = Responses.of(HttpResponseStatus.OK, "text/xml; charset=utf-8", r.body());
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (r.session() == null) {
            reply.send(response);
        } else {
            reply.sendThen(response, () -> r.session().tell(new BoshSession.Written(r.rid())));
        }
    }
}
