package chorus.node;

import chorus.actors.feature.webpresence.BadgeBoard;
import chorus.node.bosh.BoshRoute;
import chorus.node.c2s.ConnectionCaps;
import chorus.node.c2s.SessionCounter;
import chorus.node.config.Settings;
import chorus.node.http.HostMeta;
import chorus.node.http.HttpListener;
import chorus.node.http.Route;
import chorus.node.http.UploadRoute;
import chorus.node.session.SessionContext;
import chorus.node.tls.TlsContexts;
import chorus.node.webpresence.StatusRoute;
import chorus.node.websocket.WebSocketRoute;
import org.apache.pekko.actor.typed.ActorSystem;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's one HTTP listener with its routes, in the order they are tried: XEP-0156 host-meta, the upload (when the
 * node offers it), WebSocket and BOSH (each when on; their sessions counted by their own counters, their connections
 * in the client listeners' caps), the badge.
 */
final class NodeHttp {
    private NodeHttp() {
    }

    /**
     * @param upload the upload route, or null
     * @param badges the badge board, or null when the server offers no badges
     */
    static HttpListener start(Settings settings, TlsContexts tls, ActorSystem<?> system, SessionContext sessions,
                              SessionCounter webSocket, SessionCounter bosh, ConnectionCaps caps, UploadRoute upload, BadgeBoard badges,
                              Clock clock) throws InterruptedException {
        boolean ws = settings.http().webSocket().enabled();
        boolean bs = settings.http().bosh().enabled();
        List<Route> routes = new ArrayList<>();
        routes.add(new HostMeta(ws ? settings.http().webSocketUrl() : null, bs ? settings.http().boshUrl() : null));
        if (upload != null) {
            routes.add(upload);
        }
        if (ws) {
            routes.add(new WebSocketRoute(system, sessions, webSocket, caps, settings.http(), settings.c2s()));
        }
        if (bs) {
            routes.add(new BoshRoute(system, sessions, bosh, caps, settings.http(), settings.c2s(),
                settings.domain().toString(), clock));
        }
        routes.add(new StatusRoute(settings.domain().toString(), badges));
        return HttpListener.start(settings.http(), tls, routes);
    }
}
