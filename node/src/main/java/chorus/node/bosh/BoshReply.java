package chorus.node.bosh;

import chorus.actors.ClusterMessage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The answer to one BOSH request, from the node that holds its session to the node that took the request (often the
 * same): the response body, and whom to tell once it went out to the client ({@code session}, null when nobody
 * waits for that), under its request id.
 */
public record BoshReply(String body, long rid, ActorRef<BoshSession.Command> session) implements ClusterMessage {

    static BoshReply terminate(String condition) {
        return new BoshReply(BoshBody.terminate(condition), 0, null);
    }

    /** The body may hold a message: print none of it. */
    @Override
    public String toString() {
        return "BoshReply[rid " + rid + ", " + body.length() + " chars]";
    }
}
