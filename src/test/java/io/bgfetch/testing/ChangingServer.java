package io.bgfetch.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A server on 127.0.0.1 whose one body (served at every path) changes version while clients
 * fetch it, and whose next answer can be held at an exact byte of the body until the test lets
 * it go on or drops it: what makes a restart from zero, or a power cut at a chosen byte,
 * happen exactly where a test wants it.
 *
 * <p>Every version has a strong ETag ({@code "v1"}, {@code "v2"}, ...) and a Last-Modified date;
 * {@code Range} with a matching {@code If-Range} gets a 206, a stale one the whole new body.
 */
public final class ChangingServer implements AutoCloseable {
    /** The body as served now and its validators. */
    public record Version(byte[] body, String etag, String lastModified) {
        public String sha256() {
            return ChangingServer.sha256(body);
        }
    }

    /** One request as received: its Range header ("" for none) and the digest of its body. */
    public record Seen(String method, String range, String ifRange, String bodySha256, int status) {
    }

    /** An answer stopped at a byte of the body: the test lets it go on, or drops the connection. */
    public static final class Hold {
        private final long at;
        private volatile boolean plainOnly;
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch decided = new CountDownLatch(1);
        private volatile boolean drop;

        private Hold(long at) {
            this.at = at;
        }

        /** Waits until an answer has sent the body up to the held byte. */
        public void awaitReached(Duration timeout) throws InterruptedException {
            if (!reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("no answer reached byte " + at + " within " + timeout);
            }
        }

        /** Holds only an answer to a request without Range (a body starting from zero). */
        public Hold plainOnly() {
            plainOnly = true;
            return this;
        }

        /** The held answer goes on to its end. */
        public void release() {
            decided.countDown();
        }

        /** The held answer's connection is dropped (the client sees the body end early). */
        public void drop() {
            drop = true;
            decided.countDown();
        }
    }

    private static final int CHUNK = 16 << 10;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "changing-server");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<Version> version = new AtomicReference<>();
    private final AtomicReference<Hold> nextHold = new AtomicReference<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesSent = new AtomicLong();
    private int versions;

    private ChangingServer(byte[] first) throws IOException {
        change(first);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 100);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public static ChangingServer start(byte[] first) throws IOException {
        return new ChangingServer(first);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Serves {@code body} from now on as a new version (a new ETag and a later Last-Modified). */
    public synchronized Version change(byte[] body) {
        versions++;
        Version v = new Version(body.clone(), "\"v" + versions + "\"",
                "Mon, 0" + Math.min(9, versions) + " Jan 2024 00:00:00 GMT");
        version.set(v);
        return v;
    }

    /** Serves an earlier version again, validators and all (a load balancer with two versions behind it). */
    public void serve(Version v) {
        version.set(v);
    }

    public Version current() {
        return version.get();
    }

    /**
     * The next answer that gets so far stops once it has sent the body up to byte {@code at}
     * (absolute; 0: right after the head), until the test lets it go on or drops it.
     */
    public Hold holdAt(long at) {
        Hold h = new Hold(at);
        nextHold.set(h);
        return h;
    }

    public List<Seen> requests() {
        return List.copyOf(seen);
    }

    /** Body bytes written to clients, over all answers. */
    public long bytesSent() {
        return bytesSent.get();
    }

    @Override
    public void close() {
        Hold h = nextHold.getAndSet(null);
        if (h != null) {
            h.release();
        }
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] requestBody;
            try (InputStream in = ex.getRequestBody()) {
                requestBody = in.readAllBytes();
            }
            Version v = version.get();
            String range = ex.getRequestHeaders().getFirst("Range");
            String ifRange = ex.getRequestHeaders().getFirst("If-Range");
            long total = v.body().length;
            long from = 0;
            long to = total - 1;
            int status = 200;
            boolean current = ifRange == null || ifRange.equals(v.etag()) || ifRange.equals(v.lastModified());
            if (range != null && range.startsWith("bytes=") && current) {
                String[] ab = range.substring(6).split("-", -1);
                from = Long.parseLong(ab[0].trim());
                to = ab[1].isBlank() ? total - 1 : Math.min(total - 1, Long.parseLong(ab[1].trim()));
                status = 206;
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + total);
            }
            seen.add(new Seen(ex.getRequestMethod(), range == null ? "" : range, ifRange, sha256(requestBody), status));
            ex.getResponseHeaders().add("ETag", v.etag());
            ex.getResponseHeaders().add("Last-Modified", v.lastModified());
            ex.getResponseHeaders().add("Accept-Ranges", "bytes");
            long length = to - from + 1;
            if ("HEAD".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().add("Content-Length", Long.toString(length));
                ex.sendResponseHeaders(status, -1);
                return;
            }
            ex.sendResponseHeaders(status, length == 0 ? -1 : length);
            OutputStream out = ex.getResponseBody();
            boolean plain = range == null;
            long at = from;
            while (at <= to) {
                Hold hold = nextHold.get();
                if (hold != null && (plain || !hold.plainOnly) && at >= hold.at && nextHold.compareAndSet(hold, null)) {
                    out.flush();
                    hold.reached.countDown();
                    awaitDecision(hold);
                    if (hold.drop) {
                        return; // closing short of the length drops the connection: the body ends early
                    }
                    continue;
                }
                long stop = hold != null && hold.at > at ? Math.min(to + 1, hold.at) : to + 1;
                int n = (int) Math.min(CHUNK, stop - at);
                out.write(v.body(), (int) at, n);
                bytesSent.addAndGet(n);
                at += n;
            }
        } catch (IOException clientWentAway) {
            // the client aborts answers it does not read to their end
        }
    }

    private static void awaitDecision(Hold hold) throws IOException {
        try {
            if (!hold.decided.await(120, TimeUnit.SECONDS)) {
                throw new IOException("a held answer was never let go");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
