package chorus.node.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;

/**
 * One family of paths of the node's HTTP listener (upload, WebSocket, BOSH, host-meta, the badge). The listener
 * hands a request to the first route that {@link #serves} its path: the head first ({@link #open}), then its body in
 * chunks; the route answers once through the {@link Reply}, from any thread, whenever it is ready (a BOSH request is
 * held until there is something to send). CORS preflights and unknown paths are the listener's.
 */
public interface Route {

    /** Whether this route serves the path (decoded, without the query). */
    boolean serves(String path);

    /** The methods this route takes, for {@code Allow} and CORS preflights. */
    String methods();

    /** A request for this route begins; what it returns takes the body. */
    Exchange open(HttpRequest request, String path, Reply reply);

    /** One request in progress. */
    interface Exchange {
        /** A chunk of the body; the last one is a {@link io.netty.handler.codec.http.LastHttpContent}. Not kept. */
        void content(HttpContent chunk);

        /** The connection closed before the answer went out. */
        default void aborted() {
        }
    }

    /** An exchange that takes no body: a {@code GET} or {@code HEAD}, answered at {@link #open}. */
    Exchange NO_BODY = chunk -> { };

    /**
     * For a route that only reads: answers any method but {@code GET} and {@code HEAD} with 405 (naming
     * {@code allow}) and says so, so that {@link #open} returns {@link #NO_BODY} at once.
     */
    static boolean refusedUnlessRead(HttpRequest request, String allow, Reply reply) {
        HttpMethod m = request.method();
        if (m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD)) {
            return false;
        }
        reply.send(Responses.methodNotAllowed(allow));
        return true;
    }
}
