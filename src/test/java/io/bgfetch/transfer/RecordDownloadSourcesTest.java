package io.bgfetch.transfer;

import static io.bgfetch.transfer.Downloads.randomBytes;
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
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A record's sources (the URL, then its mirrors) and re-checks with validators (--if-changed). */
@Timeout(20)
class RecordDownloadSourcesTest {
    private static final String V1 = TinyServer.ETAG;
    private static final String LAST_MODIFIED = TinyServer.LAST_MODIFIED;

    @TempDir
    Path tmp;

    private Source primary;
    private Source mirror;
    private HttpTransport http;
    private Path bodyFile;
    private final TransferSettings settings = Downloads.SETTINGS;

    @BeforeEach
    void start() throws IOException {
        primary = new Source();
        mirror = new Source();
        http = new HttpTransport(settings, "test");
        bodyFile = tmp.resolve("store").resolve("1").resolve("0.body");
    }

    @AfterEach
    void stop() throws IOException {
        http.close();
        primary.close();
        mirror.close();
    }

    private DownloadRequest request(List<String> mirrors, int source, String ifNoneMatch, String ifModifiedSince,
                                    Duration retryFor) {
        return new DownloadRequest(primary.url("/f.bin"), "GET", List.of(), null, null, 1, retryFor, bodyFile, 0,
                null, null, mirrors, source, ifNoneMatch, ifModifiedSince);
    }

    private Outcome run(DownloadRequest req, ResponseHead storedHead, List<Segment> storedPlan,
                        Recorder listener) {
        return Downloads.run(http, req, storedHead, storedPlan, listener, new Cancellation());
    }

    private void writeBody(byte[] bytes) throws IOException {
        Files.createDirectories(bodyFile.getParent());
        Files.write(bodyFile, bytes);
    }

    // ---- re-checks ----------------------------------------------------------------------------

    @Test
    void aRecheckAnswered304KeepsTheStoredBodyUntouched() throws Exception {
        byte[] old = randomBytes(50_000, 1);
        writeBody(old);
        long mtime = Files.getLastModifiedTime(bodyFile).toMillis();
        primary.content = old;
        SourceRecorder l = new SourceRecorder();

        Outcome outcome = run(request(List.of(), 0, V1, LAST_MODIFIED, Duration.ofSeconds(5)), null, List.of(), l);

        assertInstanceOf(Outcome.NotModified.class, outcome);
        Seen seen = primary.log.peek();
        assertEquals(V1, seen.headers().get("If-None-Match"));
        assertEquals(LAST_MODIFIED, seen.headers().get("If-Modified-Since"));
        assertEquals(304, seen.status());
        assertArrayEquals(old, Files.readAllBytes(bodyFile));
        assertEquals(mtime, Files.getLastModifiedTime(bodyFile).toMillis());
        assertEquals(List.of(), l.heads, "no new head");
        assertEquals(List.of(), l.planSizes, "no new plan");
    }

    @Test
    void aRecheckAnswered200ReplacesTheBody() throws Exception {
        writeBody(randomBytes(50_000, 1));
        byte[] fresh = randomBytes(70_000, 2);
        primary.content = fresh;
        primary.etag = "\"v2\"";
        SourceRecorder l = new SourceRecorder();

        Outcome outcome = run(request(List.of(), 0, V1, null, Duration.ofSeconds(5)), null, List.of(), l);

        assertEquals(new Outcome.Done(fresh.length), outcome);
        assertEquals(200, primary.log.peek().status());
        assertArrayEquals(fresh, Files.readAllBytes(bodyFile));
        assertEquals("\"v2\"", l.heads.get(0).etag());
    }

    @Test
    void validatorsSurviveAnErrorToRetry() throws Exception {
        byte[] old = randomBytes(10_000, 3);
        writeBody(old);
        primary.content = old;
        primary.statuses.add(503);
        SourceRecorder l = new SourceRecorder();

        Outcome outcome = run(request(List.of(), 0, V1, null, Duration.ofSeconds(5)), null, List.of(), l);

        assertInstanceOf(Outcome.NotModified.class, outcome);
        assertEquals(List.of(503, 304), primary.statuses());
        assertArrayEquals(old, Files.readAllBytes(bodyFile));
    }

    @Test
    void aRestartedBodyIsNeverCheckedAgainstTheOldValidators() throws Exception {
        // A 200 starts a new body (v2) and is cut; then the server goes back to v1. Resuming v2
        // fails (If-Range), the body starts again: that request must not carry the old
        // validators, whose 304 would claim a truncated file as the stored body.
        byte[] v2 = randomBytes(200_000, 4);
        byte[] v1 = randomBytes(50_000, 5);
        writeBody(v1);
        primary.content = v2;
        primary.etag = "\"v2\"";
        primary.lastModified = "Thu, 22 Oct 2015 07:28:00 GMT";
        primary.cutAfter.add(10_000);
        primary.afterCut = () -> {
            primary.content = v1;
            primary.etag = V1;
            primary.lastModified = LAST_MODIFIED;
        };
        SourceRecorder l = new SourceRecorder();

        Outcome outcome = run(request(List.of(), 0, V1, LAST_MODIFIED, Duration.ofSeconds(5)), null, List.of(), l);

        assertEquals(new Outcome.Done(v1.length), outcome);
        assertArrayEquals(v1, Files.readAllBytes(bodyFile));
        List<Seen> seen = List.copyOf(primary.log);
        assertEquals(List.of(200, 200, 200), primary.statuses(), "fresh (cut), resume refused by If-Range, fresh: " + seen);
        for (Seen s : seen.subList(1, seen.size())) {
            assertNull(s.headers().get("If-None-Match"), "after the 200: " + s);
            assertNull(s.headers().get("If-Modified-Since"), "after the 200: " + s);
        }
    }

    // ---- mirrors ------------------------------------------------------------------------------

    @Test
    void aMirrorTakesOverFromAUrlThatFailsForGood() throws Exception {
        byte[] content = randomBytes(120_000, 6);
        primary.alwaysStatus = 404;
        mirror.content = content;
        SourceRecorder l = new SourceRecorder();

        Outcome outcome = run(request(List.of(mirror.url("/m/f.bin")), 0, null, null, Duration.ofSeconds(5)),
                null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(1, primary.log.size(), "a 404 is final: no retry on the same source");
        assertEquals(List.of(1), l.sources);
        assertEquals("/m/f.bin", mirror.log.peek().path());
    }

    @Test
    void aMirrorTakesOverWhenTheRetryWindowRunsOut() throws Exception {
        byte[] content = randomBytes(30_000, 7);
        mirror.content = content;
        String dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = "http://127.0.0.1:" + s.getLocalPort() + "/f.bin"; // closed below: connections refused
        }
        DownloadRequest req = new DownloadRequest(dead, "GET", List.of(), null, null, 1, Duration.ofMillis(300),
                bodyFile, 0, null, null, List.of(mirror.url("/f.bin")), 0, null, null);
        SourceRecorder l = new SourceRecorder();

        Outcome outcome = run(req, null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertTrue(l.waits.get() >= 1, "the URL was retried within its window first");
        assertEquals(List.of(1), l.sources);
    }

    @Test
    void whenEverySourceFailsTheLastOnesFailureIsTheRecords() {
        primary.alwaysStatus = 404;
        mirror.alwaysStatus = 410;
        SourceRecorder l = new SourceRecorder();

        Outcome outcome = run(request(List.of(mirror.url("/f.bin")), 0, null, null, Duration.ofSeconds(5)),
                null, List.of(), l);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.BAD_STATUS, failed.kind());
        assertEquals(410, failed.httpStatus());
        assertTrue(failed.message().contains("(the last of 2 sources)"), failed.message());
    }

    @Test
    void aStoredSourceIsWhereTheTransferGoesOn() throws Exception {
        byte[] content = randomBytes(10_000, 8);
        mirror.content = content;
        SourceRecorder l = new SourceRecorder();

        Outcome outcome = run(request(List.of(mirror.url("/f.bin")), 1, null, null, Duration.ofSeconds(5)),
                null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertEquals(0, primary.log.size(), "the URL that failed before is not asked again");
    }

    @Test
    void resumingOnAMirrorProvesSamenessWithIfRange() throws Exception {
        byte[] content = randomBytes(100_000, 9);
        writeBody(java.util.Arrays.copyOf(content, 40_000));
        primary.alwaysStatus = 404;
        mirror.content = content; // same ETag: the same body
        ResponseHead head = new ResponseHead(200, "OK", Map.of("accept-ranges", "bytes"), content.length, V1, null, true);
        SourceRecorder l = new SourceRecorder();

        Outcome outcome = run(request(List.of(mirror.url("/f.bin")), 0, null, null, Duration.ofSeconds(5)), head,
                List.of(new Segment(0, 0, content.length, 40_000)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        Seen resumed = mirror.log.peek();
        assertEquals("bytes=40000-99999", resumed.headers().get("Range"));
        assertEquals(V1, resumed.headers().get("If-Range"));
        assertEquals(206, resumed.status());
        assertEquals(List.of(), l.restarts);
    }

    @Test
    void aMirrorWithAnotherVersionRestartsTheBodyFromZero() throws Exception {
        byte[] stale = randomBytes(100_000, 10);
        byte[] other = randomBytes(90_000, 11);
        writeBody(java.util.Arrays.copyOf(stale, 40_000));
        primary.alwaysStatus = 404;
        mirror.content = other;
        mirror.etag = "\"other\"";
        ResponseHead head = new ResponseHead(200, "OK", Map.of("accept-ranges", "bytes"), stale.length, V1, null, true);
        SourceRecorder l = new SourceRecorder();

        Outcome outcome = run(request(List.of(mirror.url("/f.bin")), 0, null, null, Duration.ofSeconds(5)), head,
                List.of(new Segment(0, 0, stale.length, 40_000)), l);

        assertEquals(new Outcome.Done(other.length), outcome);
        assertArrayEquals(other, Files.readAllBytes(bodyFile), "never a splice of two versions");
        assertEquals(1, l.restarts.size());
    }

    @Test
    void credentialsGoToAMirrorOnlyOnTheSameOrigin() {
        DownloadRequest req = new DownloadRequest("https://a.example/f", "GET", List.of(), null, null, 1,
                Duration.ofSeconds(1), bodyFile, 0, null, "u:p",
                List.of("https://a.example:443/mirror/f", "https://b.example/f", "http://a.example/f"), 0, null, null);
        assertEquals("u:p", req.atSource(0).credentials());
        assertEquals("u:p", req.atSource(1).credentials());
        assertEquals("https://a.example:443/mirror/f", req.atSource(1).url());
        assertNull(req.atSource(2).credentials(), "another host");
        assertNull(req.atSource(3).credentials(), "another scheme");
    }

    // ---- a listener that also records source changes -------------------------------------------

    static final class SourceRecorder extends Recorder {
        final List<Integer> sources = new CopyOnWriteArrayList<>();

        @Override
        public void sourceChanged(int source, String url, String reason) {
            sources.add(source);
        }
    }

    // ---- one source: ranges, If-Range, conditional requests -----------------------------------

    record Seen(String method, String path, Map<String, String> headers, int status) {
    }

    static final class Source implements AutoCloseable {
        final HttpServer server;
        final ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "source-http");
            t.setDaemon(true);
            return t;
        });
        final ConcurrentLinkedQueue<Seen> log = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        /** Per request, how many body bytes to send before dropping the connection. */
        final ConcurrentLinkedQueue<Integer> cutAfter = new ConcurrentLinkedQueue<>();
        volatile byte[] content = new byte[0];
        volatile String etag = V1;
        volatile String lastModified = LAST_MODIFIED;
        volatile int alwaysStatus;
        volatile Runnable afterCut = () -> { };

        Source() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(pool);
            server.createContext("/", this::handle);
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        List<Integer> statuses() {
            return log.stream().map(Seen::status).toList();
        }

        private void handle(HttpExchange ex) throws IOException {
            try (ex) {
                Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                ex.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
                Integer status = alwaysStatus != 0 ? Integer.valueOf(alwaysStatus) : statuses.poll();
                if (status != null) {
                    log.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(), headers, status));
                    byte[] msg = ("status " + status).getBytes();
                    ex.sendResponseHeaders(status, msg.length);
                    ex.getResponseBody().write(msg);
                    return;
                }
                ex.getResponseHeaders().add("ETag", etag);
                ex.getResponseHeaders().add("Last-Modified", lastModified);
                ex.getResponseHeaders().add("Accept-Ranges", "bytes");
                String inm = headers.get("If-None-Match");
                String ims = headers.get("If-Modified-Since");
                if ((inm != null && inm.equals(etag)) || (inm == null && ims != null && ims.equals(lastModified))) {
                    log.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(), headers, 304));
                    ex.sendResponseHeaders(304, -1);
                    return;
                }
                byte[] body = content;
                String range = headers.get("Range");
                String ifRange = headers.get("If-Range");
                boolean same = ifRange == null || ifRange.equals(etag) || ifRange.equals(lastModified);
                int from = 0;
                int to = body.length;
                int code = 200;
                if (range != null && same) {
                    String[] ab = range.substring(6).split("-", -1);
                    from = Integer.parseInt(ab[0]);
                    to = ab[1].isEmpty() ? body.length : Integer.parseInt(ab[1]) + 1;
                    code = 206;
                    ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + body.length);
                }
                log.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(), headers, code));
                Integer cut = cutAfter.poll();
                ex.sendResponseHeaders(code, to - from);
                OutputStream out = ex.getResponseBody();
                int end = cut == null ? to : Math.min(to, from + cut);
                for (int at = from; at < end; at += 8 << 10) {
                    out.write(body, at, Math.min(8 << 10, end - at));
                }
                if (cut != null) {
                    out.flush();
                    afterCut.run();
                    throw new IOException("cut"); // the exchange closes without the rest
                }
            } catch (IOException clientWentAwayOrCut) {
                // the client aborts exchanges it does not read to the end
            }
        }

        @Override
        public void close() {
            server.stop(0);
            pool.shutdownNow();
        }
    }
}
