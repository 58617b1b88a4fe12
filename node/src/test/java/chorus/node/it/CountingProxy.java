package chorus.node.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP relay for one client connection that counts what the server sends it: bytes (TLS records
 * included), arrivals (reads that returned data: each one wakes a client's process, and a phone's radio when apart
 * from the last), and bursts (arrivals after a quiet gap). Counting starts again at {@link #reset}.
 */
final class CountingProxy implements AutoCloseable {
    /** Arrivals closer than this to the previous one belong to the same burst. */
    static final long BURST_GAP_NANOS = 250_000_000L;

    private final ServerSocket server;
    private final int target;
    private final List<Long> arrivals = new ArrayList<>();
    private long bytes;
    private Socket client;
    private Socket upstream;

    private CountingProxy(ServerSocket server, int target) {
        this.server = server;
        this.target = target;
    }

    static CountingProxy start(int target) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), TestNode.freePort()));
        CountingProxy p = new CountingProxy(s, target);
        Thread t = new Thread(p::accept, "counting-proxy");
        t.setDaemon(true);
        t.start();
        return p;
    }

    int port() {
        return server.getLocalPort();
    }

    /** What was counted since the last reset. */
    record Counts(long bytes, int arrivals, int bursts) {
    }

    synchronized void reset() {
        arrivals.clear();
        bytes = 0;
    }

    synchronized Counts counts() {
        int bursts = 0;
        long last = Long.MIN_VALUE;
        for (long t : arrivals) {
            if (last == Long.MIN_VALUE || t - last >= BURST_GAP_NANOS) {
                bursts++;
            }
            last = t;
        }
        return new Counts(bytes, arrivals.size(), bursts);
    }

    private synchronized void counted(int n) {
        bytes += n;
        arrivals.add(System.nanoTime());
    }

    private void accept() {
        try {
            client = server.accept();
            upstream = new Socket(InetAddress.getLoopbackAddress(), target);
            pump(client, upstream, false);
            pump(upstream, client, true);
        } catch (IOException e) {
            // closed
        }
    }

    private void pump(Socket from, Socket to, boolean count) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (count && n > 0) {
                        counted(n);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                quietly(from);
                quietly(to);
            }
        }, "counting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void quietly(Socket s) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        quietly(client);
        quietly(upstream);
    }
}
