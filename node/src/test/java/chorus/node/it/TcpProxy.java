package chorus.node.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay to a target port that a test can cut (every connection dropped, new ones refused)
 * and restore: a service going away and coming back, without stopping the service.
 */
final class TcpProxy implements AutoCloseable {
    private final int target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean closed;
    private ServerSocket server;

    private TcpProxy(int port, int target) {
        this.port = port;
        this.target = target;
    }

    static TcpProxy start(int target) throws IOException {
        TcpProxy p = new TcpProxy(TestNode.freePort(), target);
        p.listen();
        return p;
    }

    int port() {
        return port;
    }

    private synchronized void listen() throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        ServerSocket s = server;
        Thread t = new Thread(() -> accept(s), "tcp-proxy-" + port);
        t.setDaemon(true);
        t.start();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                // closed, or the target refused
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                quietly(from);
                quietly(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Drops every relayed connection and refuses new ones (the port is closed). */
    synchronized void cut() throws IOException {
        cut = true;
        server.close();
        for (Socket s : open) {
            quietly(s);
        }
        open.clear();
    }

    /** Listens again on the same port. */
    synchronized void restore() throws IOException {
        if (cut && !closed) {
            cut = false;
            listen();
        }
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            quietly(s);
        }
    }
}
