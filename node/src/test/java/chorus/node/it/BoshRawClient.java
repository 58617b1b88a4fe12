package chorus.node.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A BOSH client by hand (XEP-0124/0206) over the JDK's HTTP client: each request a POST of one {@code <body/>}, with
 * the request ids and attributes the test chooses, so that retransmission, the window, pauses and timeouts can be
 * driven exactly. Requests may go to different URLs (nodes of a cluster).
 */
public final class BoshRawClient {
    public static final String NS = "http://jabber.org/protocol/httpbind";
    static final Pattern SID = Pattern.compile("sid=['\"]([^'\"]+)['\"]");

    private final HttpClient http;
    private final URI[] urls;
    private int next;
    public long rid = ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50);
    public String sid;

    public BoshRawClient(HttpClient http, URI... urls) {
        this.http = http;
        this.urls = urls;
    }

    public static HttpClient plainHttp() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The URL of the next request: they take turns. */
    URI url() {
        URI u = urls[next % urls.length];
        next++;
        return u;
    }

    public String post(String body) throws Exception {
        return postAsync(body).get();
    }

    public CompletableFuture<String> postAsync(String body) {
        HttpRequest r = HttpRequest.newBuilder(url()).timeout(Duration.ofSeconds(120))
            .header("Content-Type", "text/xml; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        return http.sendAsync(r, HttpResponse.BodyHandlers.ofString()).thenApply(resp -> {
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + resp.statusCode() + ": " + resp.body());
            }
            return resp.body();
        });
    }

    /** The next request of the session, with {@code attrs} and {@code payload}; the rid counts up. */
    public String request(String attrs, String payload) throws Exception {
        return post(body(++rid, attrs, payload));
    }

    /** The next request of a session that must go on: a terminal answer is an error. */
    String more(String attrs, String payload) throws Exception {
        String r = request(attrs, payload);
        if (r.contains("type='terminate'")) {
            throw new AssertionError("the session ended: " + r);
        }
        return r;
    }

    public String body(long id, String attrs, String payload) {
        String open = "<body xmlns='" + NS + "' rid='" + id + "'" + (sid == null ? "" : " sid='" + sid + "'") + " " + attrs;
        return payload.isEmpty() ? open + "/>" : open + ">" + payload + "</body>";
    }

    /** Creates the session (wait and hold as given). */
    public String create(String domain, int wait, int hold) throws Exception {
        String r = post(body(rid, "to='" + domain + "' xml:lang='en' wait='" + wait + "' hold='" + hold + "' ver='1.11' "
            + "xmpp:version='1.0' xmlns:xmpp='urn:xmpp:xbosh'", ""));
        Matcher m = SID.matcher(r);
        if (!m.find()) {
            throw new AssertionError("no sid in " + r);
        }
        sid = m.group(1);
        return r;
    }

    /** Creates a session, logs in with PLAIN, restarts and binds {@code resource}. */
    public BoshRawClient login(String domain, String user, String password, String resource) throws Exception {
        String r = create(domain, 10, 1);
        while (!r.contains("mechanisms")) {
            r = more("", "");
        }
        String creds = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        r = more("", "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + creds + "</auth>");
        while (!r.contains("<success")) {
            if (r.contains("failure")) {
                throw new AssertionError(r);
            }
            r = more("", "");
        }
        r = more("to='" + domain + "' xmpp:restart='true' xmlns:xmpp='urn:xmpp:xbosh'", "");
        while (!r.contains("urn:ietf:params:xml:ns:xmpp-bind")) {
            r = more("", "");
        }
        r = more("", "<iq xmlns='jabber:client' type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
            + "<resource>" + resource + "</resource></bind></iq>");
        while (!r.contains("</jid>")) {
            r = more("", "");
        }
        return this;
    }
}
