package chorus.node.xmppstream;

import chorus.actors.xmpp.Element;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import chorus.node.stream.StreamEvent;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The receiving side of a stream another program opened to this node, as the stream actors of other servers
 * (s2s) and of external components (XEP-0114) share it: each event of the peer's stream goes to a step, one read
 * per turn; a header is taken only where the stream expects one; the peer's closing tag closes ours (RFC 6120
 * §4.4); a broken stream, or any step that fails, ends ours with a stream error (§4.9) once. After that the stream
 * is closed: the peer's events are ignored, except its closing tag, on which the connection goes.
 *
 * @param <I> the actor's messages
 */
public abstract class ServerSideStream<I> extends AbstractBehavior<I> {
    protected final Transport transport;
    protected final StreamOpening opening;
    private boolean closed;

    protected ServerSideStream(ActorContext<I> ctx, Transport transport, StreamOpening opening) {
        super(ctx);
        this.transport = transport;
        this.opening = opening;
    }

    /** Whether a stream header is what comes next (at the start, and after a stream restart). */
    protected abstract boolean awaitingHeader();

    /** The peer's stream header, where one is expected. */
    protected abstract Behavior<I> onHeader(StreamEvent.StreamOpen open);

    /** A first-level element of the open stream. */
    protected abstract Behavior<I> onElement(Element e);

    /** Told once when the stream ends with an error, before the error is written (for a log line). */
    protected void failing(StreamError error) {
    }

    /** One event of the peer's stream; the transport reads the next one after it. */
    protected final Behavior<I> onInbound(StreamEvent event) {
        try {
            if (closed) {
                if (event instanceof StreamEvent.StreamClosed) {
                    transport.closeNow();
                }
                return this;
            }
            return StreamInput.dispatch(event, steps);
        } finally {
            transport.processed();
        }
    }

    private final StreamInput<Behavior<I>> steps = new StreamInput<>() {
        @Override
        public Behavior<I> header(StreamEvent.StreamOpen open) {
            return awaitingHeader() ? onHeader(open) : fail(StreamErrors.NOT_WELL_FORMED, "a stream header inside the stream");
        }

        @Override
        public Behavior<I> element(Element e) {
            return onElement(e);
        }

        @Override
        public Behavior<I> end() {
            closed = true;
            transport.close();
            return ServerSideStream.this;
        }

        @Override
        public Behavior<I> broken(StreamError error) {
            return fail(error);
        }
    };

    /** Whether the stream has ended (an error, the peer's end, or the node's decision). */
    protected final boolean closed() {
        return closed;
    }

    /** Ends the stream without an error here; the caller closes the transport as it sees fit. */
    protected final void markClosed() {
        closed = true;
    }

    protected final Behavior<I> fail(String condition, String text) {
        return fail(new StreamError(condition, text));
    }

    /** Ends the stream with this error (after a header of ours, if none was sent yet); once. */
    protected final Behavior<I> fail(StreamError error) {
        if (closed) {
            return this;
        }
        closed = true;
        failing(error);
        opening.fail(error, transport);
        return this;
    }
}
