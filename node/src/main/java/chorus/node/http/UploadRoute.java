package chorus.node.http;

import chorus.actors.upload.Slot;
import chorus.actors.upload.Slots;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedNioFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * XEP-0363 on the node's HTTP listener: {@code PUT /upload/TOKEN/NAME} stores the body of a waiting slot (exactly
 * the announced size), {@code GET}/{@code HEAD} of the same URL serve it until it expires. Files are served with
 * {@code nosniff} and a sandboxing CSP; nothing about a request (address, name, body) is logged. The body is read
 * as it arrives (the connection pauses while the disk catches up), by a thread of its own, for at most
 * {@code chorus.http.max-uploads} uploads at once; a body that stops or trickles is cut by {@link RequestDeadlines},
 * and its partial file is removed. A slot is taken when its upload begins: one cut short voids it (the client asks
 * for another, as XEP-0363 clients do after a failed upload).
 */
public final class UploadRoute implements Route, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UploadRoute.class);
    private static final Pattern SAFE_TYPE = Pattern.compile("[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+");
    static final String PREFIX = "/upload/";

    private final Slots slots;
    private final UploadStore store;
    private final ExecutorService writers;
    /** Upload bodies being received now; one writer thread each (the thread waits on the body as it arrives). */
    private final Semaphore inProgress;
    private final ScheduledExecutorService sweeper;

    /** @param maxUploads upload bodies received at once ({@code chorus.http.max-uploads}); more get 503 */
    public UploadRoute(Slots slots, UploadStore store, int maxUploads) {
        this.slots = slots;
        this.store = store;
        this.inProgress = new Semaphore(maxUploads);
        // A thread per upload in progress (at most maxUploads, each admitted by inProgress): a slow body holds its
        // own thread only, never one another upload waits for. Idle threads end after a minute.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxUploads, maxUploads, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> daemon(r, "chorus-upload-write"));
        pool.allowCoreThreadTimeOut(true);
        this.writers = pool;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "chorus-upload-sweeper"));
        sweeper.scheduleWithFixedDelay(this::sweep, 10, 10, TimeUnit.MINUTES);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public boolean serves(String path) {
        return path.startsWith(PREFIX);
    }

    @Override
    public String methods() {
        return "GET, HEAD, PUT";
    }

    @Override
    public Exchange open(HttpRequest request, String path, Reply reply) {
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            reply.send(Responses.empty(HttpResponseStatus.NOT_FOUND));
            return NO_BODY;
        }
        HttpMethod m = request.method();
        if (m.equals(HttpMethod.PUT)) {
            return put(request, parts[0], parts[1], reply);
        }
        if (m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD)) {
            get(m.equals(HttpMethod.HEAD), parts[0], parts[1], reply);
            return NO_BODY;
        }
        reply.send(Responses.methodNotAllowed(methods()));
        return NO_BODY;
    }

    private Exchange put(HttpRequest request, String token, String name, Reply reply) {
        String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        if (length == null) {
            reply.send(Responses.empty(HttpResponseStatus.LENGTH_REQUIRED));
            return NO_BODY;
        }
        // Checked before the slot is taken: a refused upload leaves its slot usable for a retry.
        if (!inProgress.tryAcquire()) {
            reply.send(Responses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many uploads in progress; try again soon\n"));
            return NO_BODY;
        }
        Exchange e = receive(request, length, token, name, reply);
        if (e == NO_BODY) {
            inProgress.release();
        }
        return e;
    }

    /** A PUT holding a place in {@link #inProgress}: released here when refused, or by the writer when it is done. */
    private Exchange receive(HttpRequest request, String length, String token, String name, Reply reply) {
        Optional<Slot> slot = slots.take(token);
        if (slot.isEmpty() || !slot.get().filename().equals(name)) {
            reply.send(Responses.empty(HttpResponseStatus.FORBIDDEN));
            return NO_BODY;
        }
        long announced;
        try {
            announced = Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            reply.send(Responses.empty(HttpResponseStatus.BAD_REQUEST));
            return NO_BODY;
        }
        Slot s = slot.get();
        if (announced != s.size()) {
            reply.send(Responses.empty(announced > s.size() ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                : HttpResponseStatus.BAD_REQUEST));
            return NO_BODY;
        }
        String type = s.contentType() != null ? s.contentType() : request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        Slot typed = new Slot(s.token(), s.owner(), s.filename(), s.size(), type, s.expires());
        BodyStream body = new BodyStream(reply.channel());
        try {
            writers.execute(() -> {
                try {
                    reply.send(Responses.empty(store.put(typed, body) ? HttpResponseStatus.CREATED
                        : HttpResponseStatus.BAD_REQUEST));
                } catch (IOException | RuntimeException e) {
                    // A body cut short (the client left, or was too slow and got 408) is no failure of the node.
                    if (!body.aborted()) {
                        log.warn("an upload failed: {}", e.getClass().getSimpleName());
                    }
                    reply.send(Responses.empty(HttpResponseStatus.INTERNAL_SERVER_ERROR));
                } finally {
                    inProgress.release();
                }
            });
        } catch (RejectedExecutionException stopping) {
            reply.send(Responses.empty(HttpResponseStatus.SERVICE_UNAVAILABLE));
            return NO_BODY;
        }
        return new Exchange() {
            @Override
            public void content(HttpContent chunk) {
                body.add(chunk.content(), chunk instanceof LastHttpContent);
            }

            @Override
            public void aborted() {
                body.abort();
            }
        };
    }

    private void get(boolean head, String token, String name, Reply reply) {
        Optional<UploadStore.Stored> stored;
        try {
            stored = store.get(token, name);
        } catch (IOException e) {
            log.warn("reading an upload failed: {}", e.getClass().getSimpleName());
            reply.send(Responses.empty(HttpResponseStatus.INTERNAL_SERVER_ERROR));
            return;
        }
        if (stored.isEmpty()) {
            reply.send(Responses.empty(HttpResponseStatus.NOT_FOUND));
            return;
        }
        UploadStore.Stored f = stored.get();
        HttpResponse r = head ? Responses.empty(HttpResponseStatus.OK)
            : new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpHeaders h = r.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, f.contentType() != null && SAFE_TYPE.matcher(f.contentType()).matches()
            ? f.contentType() : "application/octet-stream");
        h.set(Responses.NOSNIFF_HEADER, "nosniff");
        h.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox");
        h.set(HttpHeaderNames.CACHE_CONTROL, "private");
        h.set(HttpHeaderNames.CONTENT_LENGTH, f.size());
        if (head) {
            reply.send((FullHttpResponse) r);
            return;
        }
        try {
            reply.stream(r, new ChunkedNioFile(f.file().toFile()));
        } catch (IOException e) {
            reply.send(Responses.empty(HttpResponseStatus.NOT_FOUND));
        }
    }

    private void sweep() {
        try {
            int n = store.sweep();
            if (n > 0) {
                log.info("deleted {} expired uploads", n);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("sweeping expired uploads failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        writers.shutdownNow();
        sweeper.shutdownNow();
    }
}
