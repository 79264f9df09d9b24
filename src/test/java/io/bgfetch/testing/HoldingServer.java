package io.bgfetch.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on 127.0.0.1 that can hold responses back, and counts how many requests it is
 * answering at once: for tests of how many transfers a client runs in parallel.
 *
 * <p>A request's group is its path up to the second slash ({@code /big/7} is in {@code /big/}).
 * A {@linkplain #hold held} group's requests wait at its gate until {@linkplain #release let
 * through} one by one or {@linkplain #open all}; other groups are answered at once. A request is in
 * flight from its arrival until its answer starts. Every answer is
 * {@code 200} with {@link #body(String, int)} of the configured size. The server's own threads are
 * not limited, so any excess parallelism of the client shows in {@link #peakInFlight()}.
 */
public final class HoldingServer implements AutoCloseable {
    /** A held request gives up (and answers 503) after this long, so a forgotten gate cannot hang a test. */
    private static final long HOLD_LIMIT_SECONDS = 120;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "holding-server");
        t.setDaemon(true);
        return t;
    });
    private final int bodySize;
    private final Map<String, Semaphore> gates = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlightByGroup = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> arrivedByGroup = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> answeredByGroup = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    private HoldingServer(int bodySize) throws IOException {
        this.bodySize = bodySize;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 1000);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a server whose every answer has {@code bodySize} bytes. */
    public static HoldingServer start(int bodySize) throws IOException {
        return new HoldingServer(bodySize);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The body served for {@code path}: {@code size} bytes that differ from path to path. */
    public static byte[] body(String path, int size) {
        byte[] b = new byte[size];
        new Random(path.hashCode()).nextBytes(b);
        return b;
    }

    /** From now on, requests in {@code group} wait until let through. */
    public void hold(String group) {
        gates.putIfAbsent(group, new Semaphore(0));
    }

    /** Lets {@code n} more held requests of {@code group} through (waiting ones first). */
    public void release(String group, int n) {
        gates.get(group).release(n);
    }

    /** Lets every request of {@code group} through, now and from now on. */
    public void open(String group) {
        gates.get(group).release(Integer.MAX_VALUE / 2);
    }

    /**
     * Requests in flight right now, over all groups: a request counts from its arrival until its
     * answer starts (held requests count, even those the client gave up on).
     */
    public int inFlight() {
        return inFlight.get();
    }

    public int inFlight(String group) {
        return counter(inFlightByGroup, group).get();
    }

    /** The most requests this server was answering at one time. */
    public int peakInFlight() {
        return peak.get();
    }

    /** Requests of {@code group} received, whatever became of them. */
    public int arrived(String group) {
        return counter(arrivedByGroup, group).get();
    }

    /** Requests of {@code group} answered in full. */
    public int answered(String group) {
        return counter(answeredByGroup, group).get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String group = group(path);
        counter(arrivedByGroup, group).incrementAndGet();
        peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        AtomicInteger groupCount = counter(inFlightByGroup, group);
        groupCount.incrementAndGet();
        boolean counted = true;
        try (exchange) {
            Semaphore gate = gates.get(group);
            boolean let = gate == null || gate.tryAcquire(HOLD_LIMIT_SECONDS, TimeUnit.SECONDS);
            // From here the client may finish with this request and send its next one at any
            // moment: it no longer counts, or the next would be counted twice.
            counted = false;
            groupCount.decrementAndGet();
            inFlight.decrementAndGet();
            if (!let) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            byte[] body = body(path, bodySize);
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            counter(answeredByGroup, group).incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (counted) {
                groupCount.decrementAndGet();
                inFlight.decrementAndGet();
            }
        }
    }

    private static String group(String path) {
        int second = path.indexOf('/', 1);
        return second < 0 ? path : path.substring(0, second + 1);
    }

    private static AtomicInteger counter(Map<String, AtomicInteger> map, String group) {
        return map.computeIfAbsent(group, g -> new AtomicInteger());
    }

    @Override
    public void close() {
        gates.values().forEach(g -> g.release(Integer.MAX_VALUE / 2));
        server.stop(0);
        threads.shutdownNow();
    }
}
