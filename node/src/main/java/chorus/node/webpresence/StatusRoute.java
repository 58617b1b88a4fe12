package chorus.node.webpresence;

import chorus.actors.feature.webpresence.Availability;
import chorus.actors.feature.webpresence.BadgeBoard;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.XmlWriter;
import chorus.node.http.Reply;
import chorus.node.http.Responses;
import chorus.node.http.Route;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;
import java.util.Optional;

/**
 * {@code /status/USER} (an SVG badge; {@code .svg} too) and {@code /status/USER.json}: the availability of an account
 * of this domain whose user turned the badge on, read from this node's replica of the {@link BadgeBoard}. Every other
 * name (not turned on, unknown, not a valid name, or the server's badge off) gets the same answer, byte for byte and
 * as fast: the board is read, nothing else, so not even whether the account exists can be learnt here.
 */
public final class StatusRoute implements Route {
    static final String PREFIX = "/status/";
    /** The colours of the usual availability dots. */
    private static final Map<Availability, String> COLOURS = Map.of(Availability.CHAT, "#2ecc40",
        Availability.ONLINE, "#2ecc40", Availability.AWAY, "#ffb300", Availability.XA, "#ff851b",
        Availability.DND, "#e74c3c", Availability.OFFLINE, "#9e9e9e");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String domain;
    private final BadgeBoard board;

    /** {@code board}: null when the server offers no badges (every answer is then "none"). */
    public StatusRoute(String domain, BadgeBoard board) {
        this.domain = domain;
        this.board = board;
    }

    @Override
    public boolean serves(String path) {
        return path.startsWith(PREFIX);
    }

    @Override
    public String methods() {
        return "GET, HEAD";
    }

    @Override
    public Exchange open(HttpRequest request, String path, Reply reply) {
        if (Route.refusedUnlessRead(request, methods(), reply)) {
            return NO_BODY;
        }
        String name = path.substring(PREFIX.length());
        boolean json = name.endsWith(".json");
        if (json) {
            name = name.substring(0, name.length() - 5);
        } else if (name.endsWith(".svg")) {
            name = name.substring(0, name.length() - 4);
        }
        Optional<BareJid> account = account(name);
        Optional<Availability> shown = board == null || account.isEmpty() ? Optional.empty() : board.of(account.get());
        FullHttpResponse r = shown.isPresent()
            ? (json ? json(account.get(), shown.get()) : svg(account.get(), shown.get()))
            : (json ? Responses.of(HttpResponseStatus.NOT_FOUND, "application/json", "{\"status\":null}")
                : Responses.of(HttpResponseStatus.NOT_FOUND, "image/svg+xml", NONE));
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "max-age=30");
        r.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; sandbox");
        reply.send(request.method().equals(HttpMethod.HEAD) ? Responses.head(r) : r);
        return NO_BODY;
    }

    private Optional<BareJid> account(String local) {
        if (local.isEmpty() || local.contains("/") || local.contains("@")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BareJid(local, domain));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static FullHttpResponse json(BareJid account, Availability a) {
        ObjectNode doc = JSON.createObjectNode().put("jid", account.toString()).put("status", a.label());
        return Responses.of(HttpResponseStatus.OK, "application/json", doc.toString());
    }

    /** A small badge: a dot in the availability's colour, the account's local part and the availability. */
    private static FullHttpResponse svg(BareJid account, Availability a) {
        String text = account.local() + ": " + a.label();
        int width = 26 + 7 * text.length();
        StringBuilder sb = new StringBuilder(512);
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
            .append("\" height=\"20\" role=\"img\" aria-label=\"");
        XmlWriter.escapeAttr(text, sb);
        sb.append("\"><title>");
        XmlWriter.escapeText(account + " is " + a.label(), sb);
        sb.append("</title><rect rx=\"3\" width=\"").append(width).append("\" height=\"20\" fill=\"#444\"/>")
            .append("<circle cx=\"11\" cy=\"10\" r=\"5\" fill=\"").append(COLOURS.get(a)).append("\"/>")
            .append("<text x=\"21\" y=\"14\" fill=\"#fff\" font-family=\"DejaVu Sans,Verdana,sans-serif\" font-size=\"11\">");
        XmlWriter.escapeText(text, sb);
        sb.append("</text></svg>");
        return Responses.of(HttpResponseStatus.OK, "image/svg+xml", sb.toString());
    }

    private static final String NONE = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>";
}
