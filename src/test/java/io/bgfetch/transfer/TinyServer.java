package io.bgfetch.transfer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP server on 127.0.0.1 for the transfer tests: serves {@code content} at any path,
 * with ranges (honouring If-Range) unless told otherwise, and logs what it was asked.
 */
final class TinyServer implements AutoCloseable {
    static final String ETAG = "\"v1\"";
    static final String LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT";

    /** A request as the server saw it. */
    record Seen(String method, String range, String ifRange) {
    }

    final HttpServer http;
    final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tiny-http");
        t.setDaemon(true);
        return t;
    });
    final ConcurrentLinkedQueue<Seen> log = new ConcurrentLinkedQueue<>();
    /** Statuses to answer the next requests with, before serving normally. */
    final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    volatile byte[] content = new byte[0];
    volatile String etag = ETAG;
    volatile String lastModified = LAST_MODIFIED;
    volatile boolean ignoreRanges;
    volatile boolean chunked;
    volatile int alwaysStatus;
    volatile String retryAfter;
    /** Partial answers leave out ETag and Last-Modified (a 206 that proves nothing). */
    volatile boolean noValidatorsOn206;
    /** How many plain requests are answered with a 206 of the first 100 bytes. */
    final AtomicInteger partialWithoutRange = new AtomicInteger();
    /**
     * A ranged request from this offset (-1: none) is a slow connection: it sends
     * {@link #HELD_BYTES}, then holds the rest until {@link #release} opens, which a request
     * for bytes beyond that offset does (a connection taking part of its range over).
     */
    volatile long holdFrom = -1;
    static final int HELD_BYTES = 64 << 10;
    final CountDownLatch release = new CountDownLatch(1);

    TinyServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(pool);
        http.createContext("/", this::handle);
        http.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String range = ex.getRequestHeaders().getFirst("Range");
            String ifRange = ex.getRequestHeaders().getFirst("If-Range");
            log.add(new Seen(ex.getRequestMethod(), range, ifRange));
            Integer status = alwaysStatus != 0 ? Integer.valueOf(alwaysStatus) : statuses.poll();
            if (status != null) {
                if (retryAfter != null) {
                    ex.getResponseHeaders().add("Retry-After", retryAfter);
                }
                byte[] msg = ("status " + status).getBytes();
                ex.sendResponseHeaders(status, msg.length);
                ex.getResponseBody().write(msg);
                return;
            }
            byte[] body = content;
            boolean partial = range != null && !ignoreRanges && range.startsWith("bytes=")
                    && (ifRange == null || ifRange.equals(etag) || ifRange.equals(lastModified));
            if (etag != null && !(partial && noValidatorsOn206)) {
                ex.getResponseHeaders().add("ETag", etag);
            }
            if (lastModified != null && !(partial && noValidatorsOn206)) {
                ex.getResponseHeaders().add("Last-Modified", lastModified);
            }
            if (!ignoreRanges) {
                ex.getResponseHeaders().add("Accept-Ranges", "bytes");
            }
            if (range == null && partialWithoutRange.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                int len = Math.min(100, body.length);
                ex.getResponseHeaders().add("Content-Range", "bytes 0-" + (len - 1) + "/" + body.length);
                send(ex, 206, body, 0, len);
                return;
            }
            if (partial) {
                String[] ab = range.substring(6).split("-", -1);
                long first = Long.parseLong(ab[0]);
                long last = ab[1].isEmpty() ? body.length - 1 : Math.min(Long.parseLong(ab[1]), body.length - 1);
                if (first >= body.length) {
                    ex.getResponseHeaders().add("Content-Range", "bytes */" + body.length);
                    ex.sendResponseHeaders(416, -1);
                    return;
                }
                ex.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + body.length);
                if (first == holdFrom) {
                    sendHeld(ex, body, (int) first, (int) (last - first + 1));
                    return;
                }
                if (holdFrom >= 0 && first > holdFrom) {
                    release.countDown();
                }
                send(ex, 206, body, (int) first, (int) (last - first + 1));
                return;
            }
            send(ex, 200, body, 0, body.length);
        } catch (IOException clientWentAway) {
            // the client aborts exchanges it does not read to the end
        }
    }

    private void send(HttpExchange ex, int status, byte[] body, int off, int len) throws IOException {
        if (len == 0) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, chunked ? 0 : len);
        OutputStream out = ex.getResponseBody();
        for (int at = off; at < off + len; at += 16 << 10) {
            out.write(body, at, Math.min(16 << 10, off + len - at));
        }
    }

    /** The held connection: its first bytes, then the rest once {@link #release} opens. */
    private void sendHeld(HttpExchange ex, byte[] body, int off, int len) throws IOException {
        ex.sendResponseHeaders(206, len);
        OutputStream out = ex.getResponseBody();
        out.write(body, off, HELD_BYTES);
        out.flush();
        try {
            // bounded: a client that never takes the range over fails the test, not hangs it
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (int at = off + HELD_BYTES; at < off + len; at += 16 << 10) {
            out.write(body, at, Math.min(16 << 10, off + len - at));
        }
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
    }
}
