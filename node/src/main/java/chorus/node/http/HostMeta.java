package chorus.node.http;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.XmlWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * XEP-0156 §3: how a web client finds this server's WebSocket and BOSH endpoints, as host-meta (RFC 6415): the XRD
 * document at {@code /.well-known/host-meta} and its JSON form at {@code /.well-known/host-meta.json}. The links are
 * the listener's public URLs of the transports that are on.
 */
public final class HostMeta implements Route {
    static final String XML_PATH = "/.well-known/host-meta";
    static final String JSON_PATH = "/.well-known/host-meta.json";
    static final String WEBSOCKET = "urn:xmpp:alt-connections:websocket";
    static final String BOSH = "urn:xmpp:alt-connections:xbosh";
    static final String XRD = "http://docs.oasis-open.org/ns/xri/xrd-1.0";

    private final byte[] xml;
    private final byte[] json;

    /** {@code webSocketUrl}, {@code boshUrl}: null when that transport is off. */
    public HostMeta(String webSocketUrl, String boshUrl) {
        Map<String, String> links = new LinkedHashMap<>();
        if (webSocketUrl != null) {
            links.put(WEBSOCKET, webSocketUrl);
        }
        if (boshUrl != null) {
            links.put(BOSH, boshUrl);
        }
        Element.Builder xrd = Element.build("XRD", XRD);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode doc = mapper.createObjectNode();
        ArrayNode array = doc.putArray("links");
        links.forEach((rel, href) -> {
            xrd.child(Element.build("Link", XRD).attr("rel", rel).attr("href", href).get());
            array.addObject().put("rel", rel).put("href", href);
        });
        this.xml = ("<?xml version='1.0' encoding='utf-8'?>\n" + XmlWriter.toXml(xrd.get(), "") + "\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            this.json = mapper.writeValueAsBytes(doc);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean serves(String path) {
        return path.equals(XML_PATH) || path.equals(JSON_PATH);
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
        FullHttpResponse r = path.equals(JSON_PATH)
            ? Responses.of(HttpResponseStatus.OK, "application/json", json)
            : Responses.of(HttpResponseStatus.OK, "application/xrd+xml; charset=utf-8", xml);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "max-age=3600");
        reply.send(request.method().equals(HttpMethod.HEAD) ? Responses.head(r) : r);
        return NO_BODY;
    }
}
