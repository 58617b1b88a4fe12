package chorus.node.bosh;

import chorus.actors.xmpp.Element;
import chorus.node.c2s.ConnectionCaps;
import chorus.node.stream.StreamClose;
import chorus.node.stream.StreamError;
import chorus.node.xmppstream.ClientSource;
import chorus.node.xmppstream.Transport;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The BOSH transport of a client stream: everything the stream writes goes to its {@link BoshSession}, which hands it
 * out in responses. TLS is the HTTP connection's; a restart is the client's {@code xmpp:restart} request (XEP-0206
 * §5); reliability is BOSH's own (request ids, retransmission, XEP-0124 §9 acknowledgements), so XEP-0198 is not
 * offered. Reading is the client's requests, which BOSH bounds itself (hold, requests, body size), so there is no
 * flow control to do here.
 */
final class BoshTransport implements Transport {
    private final boolean secure;
    private final ClientSource source;
    private final ConnectionCaps.Ticket ticket;
    private volatile ActorRef<BoshSession.Command> session;
    private volatile long lastRequest = System.nanoTime();

    /** {@code ticket}: the session's place in the node's connection caps. */
    BoshTransport(boolean secure, ClientSource source, ConnectionCaps.Ticket ticket) {
        this.secure = secure;
        this.source = source;
        this.ticket = ticket;
    }

    /** The BOSH session this transport writes to (it starts after the stream's session). */
    void attach(ActorRef<BoshSession.Command> session) {
        this.session = session;
    }

    /** The session had a request from its client (any request: a poll, an empty long-poll, a body with stanzas). */
    void requested() {
        lastRequest = System.nanoTime();
    }

    /** A BOSH client speaks in requests; the idle check counts each of them. */
    @Override
    public long lastReceived() {
        return lastRequest;
    }

    @Override
    public boolean secure() {
        return secure;
    }

    @Override
    public boolean canStartTls() {
        return false;
    }

    @Override
    public boolean offersStreamManagement() {
        return false;
    }

    @Override
    public ClientSource source() {
        return source;
    }

    @Override
    public void send(Object item) {
        session.tell(new BoshSession.Out(item, null));
    }

    @Override
    public void sendThen(Object item, Runnable written) {
        session.tell(new BoshSession.Out(item, written));
    }

    @Override
    public void startTls(Element proceed) {
        throw new IllegalStateException("BOSH has no STARTTLS");
    }

    @Override
    public void restartThenSend(Object success) {
        ticket.authenticated();
        send(success);
    }

    @Override
    public void fail(StreamError error) {
        send(error);
    }

    @Override
    public void endGracefully(StreamError error) {
        send(error);
    }

    @Override
    public void close() {
        send(StreamClose.INSTANCE);
    }

    @Override
    public void closeNow() {
        send(StreamClose.INSTANCE);
    }

    @Override
    public void pauseReading() {
    }

    @Override
    public void resumeReading() {
    }

    @Override
    public void processed() {
    }
}
