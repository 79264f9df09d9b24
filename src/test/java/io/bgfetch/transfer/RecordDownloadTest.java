package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class RecordDownloadTest {
    private static final String ETAG = "\"v1\"";
    private static final String LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT";
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    private TinyServer server;
    private HttpTransport http;
    private Path bodyFile;
    private final TransferSettings settings = new TransferSettings(Duration.ofMillis(1), Duration.ofMillis(5),
            Duration.ofSeconds(5), Duration.ofSeconds(2), 64 << 10, 8 << 10);

    @BeforeEach
    void start() throws IOException {
        server = new TinyServer();
        http = new HttpTransport(settings, "test");
        bodyFile = tmp.resolve("store").resolve("1").resolve("0.body");
    }

    @AfterEach
    void stop() throws IOException {
        http.close();
        server.close();
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private DownloadRequest request(String sha256, int connections, Duration retryFor) {
        return new DownloadRequest(server.url("/file.bin"), "GET", List.of(), null, sha256, connections, retryFor,
                bodyFile, 0, null, null);
    }

    private DownloadRequest request() {
        return request(null, 1, Duration.ofSeconds(10));
    }

    private Outcome run(DownloadRequest req, ResponseHead storedHead, List<Segment> storedPlan, Recorder listener,
                        Cancellation cancel) {
        return new RecordDownload(http, settings, req, storedHead, storedPlan, listener, RateLimiter.unlimited(),
                cancel).run();
    }

    private Outcome run(DownloadRequest req, ResponseHead storedHead, List<Segment> storedPlan, Recorder listener) {
        return run(req, storedHead, storedPlan, listener, new Cancellation());
    }

    private static ResponseHead storedHead(long size, String etag, String lastModified) {
        return new ResponseHead(200, "OK", Map.of("accept-ranges", "bytes"), size, etag, lastModified, true);
    }

    private void writeBody(byte[] bytes) throws IOException {
        Files.createDirectories(bodyFile.getParent());
        Files.write(bodyFile, bytes);
    }

    private static byte[] prefix(byte[] b, int n) {
        byte[] p = new byte[n];
        System.arraycopy(b, 0, p, 0, n);
        return p;
    }

    // ---- tests ------------------------------------------------------------------------------

    @Test
    void freshDownloadWritesTheExactBytes() throws Exception {
        byte[] content = randomBytes(300_000, 1);
        server.content = content;
        Recorder l = new Recorder();

        Outcome outcome = run(request(), null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(1, server.log.size());
        assertNull(server.log.peek().range, "a fresh download asks for the whole body");
        assertEquals(1, l.heads.size());
        assertEquals(content.length, l.heads.get(0).size());
        assertEquals(ETAG, l.heads.get(0).etag());
        assertEquals(List.of(1), l.planSizes);
        assertEquals(content.length, l.arrived.get());
        assertEquals(content.length, l.lastDurable(0), "the end is made durable");
        assertEquals(0, l.restarts.size());
    }

    @Test
    void freshDownloadWithSeveralConnectionsUsesRangesAndEndsExact() throws Exception {
        byte[] content = randomBytes(3 * MIB + 12_345, 2);
        server.content = content;
        Recorder l = new Recorder();

        Outcome outcome = run(request(null, 3, Duration.ofSeconds(10)), null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(List.of(3), l.planSizes);
        List<Seen> ranged = server.log.stream().filter(s -> s.range != null).toList();
        assertEquals(2, ranged.size(), "the first segment continues the plain response; the others use ranges");
        for (Seen s : ranged) {
            assertEquals(ETAG, s.ifRange);
        }
    }

    @Test
    void unknownLengthBodyIsReadToItsEnd() throws Exception {
        byte[] content = randomBytes(200_000, 3);
        server.content = content;
        server.chunked = true;
        Recorder l = new Recorder();

        Outcome outcome = run(request(), null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(-1, l.heads.get(0).size());
    }

    @Test
    void storedProgressResumesWithRangeAndIfRange() throws Exception {
        byte[] content = randomBytes(300_000, 4);
        server.content = content;
        int have = 123_456;
        writeBody(prefix(content, have));
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(content.length, ETAG, null),
                List.of(new Segment(0, 0, content.length, have)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(1, server.log.size());
        Seen seen = server.log.peek();
        assertTrue(seen.range != null && seen.range.startsWith("bytes=" + have + "-"), "Range: " + seen.range);
        assertEquals(ETAG, seen.ifRange);
        assertEquals(0, l.heads.size(), "a resumed body keeps its head");
        assertEquals(0, l.restarts.size());
        assertEquals(content.length - have, l.arrived.get(), "only the missing bytes travel");
    }

    @Test
    void resumeWithoutEtagProvesSamenessWithLastModified() throws Exception {
        byte[] content = randomBytes(100_000, 5);
        server.content = content;
        server.etag = null;
        int have = 40_000;
        writeBody(prefix(content, have));
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(content.length, null, LAST_MODIFIED),
                List.of(new Segment(0, 0, content.length, have)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(LAST_MODIFIED, server.log.peek().ifRange);
        assertTrue(server.log.peek().range.startsWith("bytes=" + have + "-"));
    }

    @Test
    void aChangedResourceAnswering200RestartsFromZeroAndEndsExact() throws Exception {
        byte[] oldVersion = randomBytes(300_000, 6);
        byte[] content = randomBytes(250_000, 7);
        server.content = content;
        server.etag = "\"v2\"";
        int have = 100_000;
        writeBody(prefix(oldVersion, have));
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(oldVersion.length, ETAG, null),
                List.of(new Segment(0, 0, oldVersion.length, have)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile), "never a splice of two versions");
        List<Seen> seen = new ArrayList<>(server.log);
        assertEquals(2, seen.size());
        assertEquals(ETAG, seen.get(0).ifRange);
        assertNull(seen.get(1).range, "the restart asks for the whole body");
        assertEquals(1, l.restarts.size());
        assertEquals(1, l.heads.size());
        assertEquals("\"v2\"", l.heads.get(0).etag());
    }

    @Test
    void aServerIgnoringRangesRestartsFromZeroAndEndsExact() throws Exception {
        byte[] content = randomBytes(200_000, 8);
        server.content = content;
        server.ignoreRanges = true;
        int have = 50_000;
        writeBody(prefix(content, have));
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(content.length, ETAG, null),
                List.of(new Segment(0, 0, content.length, have)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(1, l.restarts.size());
    }

    @Test
    void aCheckpointClaimingMoreThanTheFileHoldsIsCutBack() throws Exception {
        byte[] content = randomBytes(300_000, 9);
        server.content = content;
        int onDisk = 70_000;
        writeBody(prefix(content, onDisk));
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(content.length, ETAG, null),
                List.of(new Segment(0, 0, content.length, 2 * onDisk)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(List.of(0, onDisk), l.cutBacks.get(0), "the repair is recorded first");
        assertTrue(server.log.peek().range.startsWith("bytes=" + onDisk + "-"), server.log.peek().range);
    }

    @Test
    void aParallelPlanWithLostBytesIsRepairedAndEndsExact() throws Exception {
        byte[] content = randomBytes(3 * MIB, 10);
        server.content = content;
        // three segments claim 1 MiB, 1 MiB and 0.5 MiB, but the file holds only 1.5 MiB
        int onDisk = MIB + MIB / 2;
        writeBody(prefix(content, onDisk));
        List<Segment> plan = List.of(new Segment(0, 0, MIB, MIB), new Segment(1, MIB, 2 * MIB, MIB),
                new Segment(2, 2 * MIB, 3 * MIB, MIB / 2));
        Recorder l = new Recorder();

        Outcome outcome = run(request(null, 3, Duration.ofSeconds(10)), storedHead(content.length, ETAG, null), plan, l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(List.of(List.of(1, MIB / 2), List.of(2, 0)), l.cutBacks,
                "segments 1 and 2 cut back to what the file holds; segment 0 is whole");
        List<String> ranges = server.log.stream().map(s -> s.range).sorted().toList();
        assertEquals(List.of("bytes=" + (MIB + MIB / 2) + "-" + (2 * MIB - 1), "bytes=" + 2 * MIB + "-" + (3 * MIB - 1)),
                ranges, "the complete segment is not fetched again");
    }

    @Test
    void anIntegrityMismatchIsDownloadedTwiceThenFails() throws Exception {
        byte[] content = randomBytes(100_000, 11);
        server.content = content;
        Recorder l = new Recorder();

        Outcome outcome = run(request(sha256(new byte[] {1, 2, 3}), 1, Duration.ofSeconds(10)), null, List.of(), l);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.FETCH_ERROR, failed.kind());
        assertEquals(2, server.log.size(), "one fresh download after the first mismatch");
        assertTrue(server.log.stream().allMatch(s -> s.range == null));
        assertEquals(1, l.integrityMismatches.get());
    }

    @Test
    void aMatchingDigestIsDone() throws Exception {
        byte[] content = randomBytes(100_000, 12);
        server.content = content;

        Outcome outcome = run(request(sha256(content), 1, Duration.ofSeconds(10)), null, List.of(), new Recorder());

        assertEquals(new Outcome.Done(content.length), outcome);
        assertEquals(1, server.log.size());
    }

    @Test
    void notFoundFailsWithBadStatusAtOnce() {
        server.content = randomBytes(10, 13);
        server.statuses.add(404);
        Recorder l = new Recorder();

        Outcome outcome = run(request(), null, List.of(), l);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.BAD_STATUS, failed.kind());
        assertEquals(404, failed.httpStatus());
        assertEquals(1, server.log.size());
        assertEquals(0, l.waits.get(), "a 404 is not retried");
        assertEquals(1, l.errorHeads.size());
        assertEquals(404, l.errorHeads.get(0).status());
        assertEquals(0, l.heads.size(), "an error response is not a head to resume from");
    }

    @Test
    void aTransientStatusIsRetriedThenDone() throws Exception {
        byte[] content = randomBytes(50_000, 14);
        server.content = content;
        server.statuses.add(503);
        server.statuses.add(502);
        Recorder l = new Recorder();

        Outcome outcome = run(request(), null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(3, server.log.size());
        assertEquals(2, l.waits.get());
        assertEquals(3, l.attempts.get());
    }

    @Test
    void aTransientStatusRetriedPastTheWindowFailsWithBadStatus() {
        server.content = randomBytes(10, 15);
        server.alwaysStatus = 503;
        Recorder l = new Recorder();

        Outcome outcome = run(request(null, 1, Duration.ofMillis(100)), null, List.of(), l);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.BAD_STATUS, failed.kind());
        assertEquals(503, failed.httpStatus());
        assertTrue(server.log.size() >= 2, "retried before giving up");
    }

    @Test
    void aStoredHeadWithoutAPlanStartsFresh() throws Exception {
        byte[] content = randomBytes(120_000, 16);
        server.content = content;
        writeBody(randomBytes(content.length, 17)); // whatever is on disk proves nothing
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(content.length, ETAG, null), List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome, "never Done with 0 bytes");
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertNull(server.log.peek().range, "starts from zero");
        assertEquals(1, l.heads.size());
    }

    @Test
    void aStoredEmptyBodyIsDoneWithoutAskingAgain() {
        server.content = new byte[0];
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(0, ETAG, null), List.of(), l);

        assertEquals(new Outcome.Done(0), outcome);
        assertEquals(0, server.log.size());
    }

    @Test
    void anEmptyBodyIsDone() throws Exception {
        server.content = new byte[0];

        Outcome outcome = run(request(), null, List.of(), new Recorder());

        assertEquals(new Outcome.Done(0), outcome);
        assertEquals(0, Files.size(bodyFile));
    }

    @Test
    void cancelledBeforeTheStartDoesNothing() {
        server.content = randomBytes(10, 18);
        Cancellation cancel = new Cancellation();
        cancel.cancel();

        Outcome outcome = run(request(), null, List.of(), new Recorder(), cancel);

        assertEquals(new Outcome.Cancelled(), outcome);
        assertEquals(0, server.log.size());
    }

    @Test
    void cancelledWhileWaitingToRetryIsCancelledNotFailed() {
        server.content = randomBytes(10, 19);
        server.alwaysStatus = 503;
        server.retryAfter = "600";
        Cancellation cancel = new Cancellation();
        Recorder l = new Recorder();
        l.onWaiting = reason -> cancel.cancel(); // a pause arriving during the wait

        Outcome outcome = run(request(null, 1, Duration.ofHours(1)), null, List.of(), l, cancel);

        assertEquals(new Outcome.Cancelled(), outcome);
    }

    // ---- a tiny HTTP server on 127.0.0.1 ----------------------------------------------------------

    record Seen(String method, String range, String ifRange) {
    }

    /** Serves {@code content} at any path, with ranges (honouring If-Range) unless told otherwise. */
    static final class TinyServer implements AutoCloseable {
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
                if (etag != null) {
                    ex.getResponseHeaders().add("ETag", etag);
                }
                if (lastModified != null) {
                    ex.getResponseHeaders().add("Last-Modified", lastModified);
                }
                if (!ignoreRanges) {
                    ex.getResponseHeaders().add("Accept-Ranges", "bytes");
                }
                boolean sameResource = ifRange == null || ifRange.equals(etag) || ifRange.equals(lastModified);
                if (range != null && !ignoreRanges && sameResource && range.startsWith("bytes=")) {
                    String[] ab = range.substring(6).split("-", -1);
                    long first = Long.parseLong(ab[0]);
                    long last = ab[1].isEmpty() ? body.length - 1 : Math.min(Long.parseLong(ab[1]), body.length - 1);
                    if (first >= body.length) {
                        ex.getResponseHeaders().add("Content-Range", "bytes */" + body.length);
                        ex.sendResponseHeaders(416, -1);
                        return;
                    }
                    ex.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + body.length);
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

        @Override
        public void close() {
            http.stop(0);
            pool.shutdownNow();
        }
    }

    // ---- a listener that records what it is told ------------------------------------------------

    static class Recorder implements TransferListener {
        final List<ResponseHead> heads = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<ResponseHead> errorHeads = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Integer> planSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** [segment index, written bytes] of each progress record, in the order reported. */
        final List<List<Integer>> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** [segment index, durable bytes] in the order reported. */
        final List<List<Integer>> durables = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** [segment index, bytes kept] of each repair at resume. */
        final List<List<Integer>> cutBacks = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> restarts = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger integrityMismatches = new AtomicInteger();
        final AtomicInteger waits = new AtomicInteger();
        final AtomicInteger attempts = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong arrived = new java.util.concurrent.atomic.AtomicLong();
        volatile Consumer<String> onWaiting = reason -> { };
        /** Refuse more than this many body bytes with a quota failure, as the daemon's budget does. */
        volatile long quotaBytes = Long.MAX_VALUE;

        @Override
        public void headReceived(ResponseHead head) {
            heads.add(head);
        }

        @Override
        public void errorResponse(ResponseHead head) {
            errorHeads.add(head);
        }

        @Override
        public void planned(List<Segment> plan) {
            planSizes.add(plan.size());
        }

        @Override
        public void bytesArrived(int n) throws TransferFailure.Permanent {
            if (arrived.addAndGet(n) > quotaBytes) {
                throw new TransferFailure.Permanent(FailureKind.QUOTA, "over the quota", 0, null);
            }
        }

        @Override
        public void progress(Segment segment, long written, int blk, int crc) {
            progress.add(List.of(segment.index(), (int) written));
        }

        @Override
        public void durable(int[] segments, long[] bytes, boolean force) {
            for (int i = 0; i < segments.length; i++) {
                durables.add(List.of(segments[i], (int) bytes[i]));
            }
        }

        @Override
        public void cutBack(Segment segment, long bytes) {
            cutBacks.add(List.of(segment.index(), (int) bytes));
        }

        long lastDurable(int index) {
            long last = -1;
            for (List<Integer> c : durables) {
                if (c.get(0) == index) {
                    last = c.get(1);
                }
            }
            return last;
        }

        @Override
        public void restarted(String reason) {
            restarts.add(reason);
        }

        @Override
        public void integrityMismatch() {
            integrityMismatches.incrementAndGet();
        }

        @Override
        public void waiting(String reason, Instant nextAttempt) {
            waits.incrementAndGet();
            onWaiting.accept(reason);
        }

        @Override
        public void attempting() {
            attempts.incrementAndGet();
        }

        @Override
        public void uploaded(long bytes) {
        }
    }
}
