package chorus.node.session;

import chorus.actors.xmpp.Element;
import chorus.node.stream.StreamClose;
import chorus.node.stream.StreamError;
import chorus.node.xmppstream.Transport;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A transport without a socket: what the session writes lands in a queue, in order; STARTTLS makes it secure;
 * everything is "written" at once. What a real adapter adds (framing, TLS, flow control) is not the session's.
 */
public final class RecordingTransport implements Transport {
    public final BlockingQueue<Object> sent = new LinkedBlockingQueue<>();
    private final boolean canStartTls;
    public volatile boolean secure;
    public volatile int restarts;
    public volatile StreamError failed;
    public volatile StreamError ended;
    public volatile boolean closed;
    public volatile boolean closedNow;
    /** What the peer presented in the TLS handshake, as a test says. */
    public volatile java.util.List<java.security.cert.X509Certificate> peerCertificates = java.util.List.of();

    public RecordingTransport(boolean secure, boolean canStartTls) {
        this.secure = secure;
        this.canStartTls = canStartTls;
    }

    /** The next thing the session wrote, waiting for it a while. */
    public Object next() throws InterruptedException {
        Object o = sent.poll(5, TimeUnit.SECONDS);
        assertNotNull(o, "the session wrote nothing");
        return o;
    }

    public <T> T next(Class<T> type) throws InterruptedException {
        Object o = next();
        if (!type.isInstance(o)) {
            throw new AssertionError("expected a " + type.getSimpleName() + ", the session wrote " + o);
        }
        return type.cast(o);
    }

    /** The next element of our stream that is no {@code <r/>} (XEP-0198 requests come when they are due). */
    Object nextSkippingRequests() throws InterruptedException {
        Object o = next();
        while (o instanceof Element e && e.is("r", StreamManagement.NS)) {
            o = next();
        }
        return o;
    }

    public void expectNothing(Duration d) throws InterruptedException {
        assertNull(sent.poll(d.toMillis(), TimeUnit.MILLISECONDS), "the session wrote something more");
    }

    @Override
    public boolean secure() {
        return secure;
    }

    @Override
    public boolean canStartTls() {
        return canStartTls;
    }

    @Override
    public chorus.node.xmppstream.ClientSource source() {
        return chorus.node.xmppstream.ClientSource.of(InetAddress.getLoopbackAddress());
    }

    @Override
    public java.util.List<java.security.cert.X509Certificate> peerCertificates() {
        return peerCertificates;
    }

    @Override
    public void send(Object item) {
        sent.add(item);
    }

    @Override
    public void sendThen(Object item, Runnable written) {
        sent.add(item);
        written.run();
    }

    @Override
    public void startTls(Element proceed) {
        secure = true;
        sent.add(proceed);
    }

    @Override
    public void restartThenSend(Object success) {
        restarts++;
        sent.add(success);
    }

    @Override
    public void fail(StreamError error) {
        failed = error;
        sent.add(error);
    }

    @Override
    public void endGracefully(StreamError error) {
        ended = error;
        sent.add(error);
    }

    @Override
    public void close() {
        closed = true;
        sent.add(StreamClose.INSTANCE);
    }

    @Override
    public void closeNow() {
        closedNow = true;
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
