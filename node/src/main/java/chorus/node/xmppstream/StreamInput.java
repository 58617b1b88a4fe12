package chorus.node.xmppstream;

import chorus.actors.xmpp.Element;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamEvent;

/**
 * What a stream actor does with each event of the peer's side of its stream (RFC 6120 §4): a header, a first-level
 * element, the peer's closing tag, or a broken stream (the error to end ours with).
 *
 * @param <R> what each step returns (the actor's next behavior)
 */
public interface StreamInput<R> {
    R header(StreamEvent.StreamOpen open);

    R element(Element e);

    /** The peer closed its stream (§4.4). */
    R end();

    /** The peer broke the stream; ours ends with this error (§4.9). */
    R broken(StreamError error);

    /** Hands one event to the step that takes it. */
    static <R> R dispatch(StreamEvent ev, StreamInput<R> to) {
        if (ev instanceof StreamEvent.StreamOpen open) {
            return to.header(open);
        }
        if (ev instanceof StreamEvent.StanzaReceived s) {
            return to.element(s.element());
        }
        if (ev instanceof StreamEvent.StreamClosed) {
            return to.end();
        }
        return to.broken(((StreamEvent.StreamFailed) ev).toError());
    }
}
