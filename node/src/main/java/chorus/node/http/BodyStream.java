package chorus.node.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * A request body as a blocking stream, for a route that hands it to code that reads streams (the upload store):
 * chunks arrive on the connection's event loop and are read on another thread. At most {@link #HIGH} bytes wait
 * here; above that the connection stops reading until the reader caught up, so a fast sender costs no more memory.
 */
final class BodyStream extends InputStream {
    static final int HIGH = 256 * 1024;
    static final int LOW = 64 * 1024;

    private final Channel channel;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte[] head;
    private int headPos;
    private int buffered;
    private boolean ended;
    private boolean broken;
    private boolean paused;

    BodyStream(Channel channel) {
        this.channel = channel;
    }

    /** A chunk (copied; the caller keeps its buffer), on the event loop. */
    synchronized void add(ByteBuf chunk, boolean last) {
        int n = chunk.readableBytes();
        if (n > 0 && !broken) {
            byte[] b = new byte[n];
            chunk.getBytes(chunk.readerIndex(), b);
            chunks.add(b);
            buffered += n;
            if (buffered > HIGH && !paused) {
                paused = true;
                channel.config().setAutoRead(false);
            }
        }
        ended |= last;
        notifyAll();
    }

    /** The connection closed, or the body was too slow, before its end. */
    synchronized void abort() {
        broken = true;
        notifyAll();
    }

    synchronized boolean aborted() {
        return broken;
    }

    @Override
    public synchronized int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (head == null) {
            if (broken) {
                throw new IOException("the connection closed before the body's end");
            }
            head = chunks.poll();
            headPos = 0;
            if (head == null) {
                if (ended) {
                    return -1;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
        }
        int n = Math.min(len, head.length - headPos);
        System.arraycopy(head, headPos, b, off, n);
        headPos += n;
        buffered -= n;
        if (headPos == head.length) {
            head = null;
        }
        if (paused && buffered < LOW) {
            paused = false;
            channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
        }
        return n;
    }
}
