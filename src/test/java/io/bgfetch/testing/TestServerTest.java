package io.bgfetch.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TestServerTest {

    private TestServer server;
    private HttpClient http;

    @BeforeEach
    void setUp() throws IOException {
        server = TestServer.start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path))).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] slice(byte[] a, int from, int toExclusive) {
        return Arrays.copyOfRange(a, from, toExclusive);
    }

    private static String sha256(byte[] data) {
        return HexFormat.of().formatHex(Resource.sha256Bytes(data));
    }

    // ---- plain serving ------------------------------------------------------------------

    @Test
    void servesFullBodyWithValidatorsAndAcceptRanges() throws Exception {
        Resource r = server.add("/a.bin", 100_000);
        HttpResponse<byte[]> resp = get("/a.bin");
        assertEquals(200, resp.statusCode());
        assertArrayEquals(r.body(), resp.body());
        assertEquals(sha256(resp.body()), r.sha256());
        assertEquals("bytes", resp.headers().firstValue("accept-ranges").orElse(null));
        assertEquals("\"" + r.sha256().substring(0, 16) + "\"", resp.headers().firstValue("etag").orElseThrow());
        assertTrue(resp.headers().firstValue("last-modified").orElseThrow().endsWith(" GMT"));
        assertEquals("100000", resp.headers().firstValue("content-length").orElseThrow());
        assertEquals(1, server.requestCount("/a.bin"));
        settled("/a.bin");
        assertEquals(100_000, server.bytesSent("/a.bin"));
    }

    @Test
    void contentIsDeterministicPerPath() throws IOException {
        try (TestServer other = TestServer.start()) {
            assertArrayEquals(server.add("/x", 5000).body(), other.add("/x", 5000).body());
            assertFalse(Arrays.equals(server.add("/y", 5000).body(), other.add("/x", 5000).body()));
        }
    }

    @Test
    void headHasHeadersButNoBodyAndKeepsConnection() throws Exception {
        Resource r = server.add("/h", 1234);
        try (Raw raw = new Raw(server.port())) {
            raw.send("HEAD", "/h");
            Raw.Head head = raw.readHead();
            assertEquals(200, head.status);
            assertEquals("1234", head.headers.get("content-length"));
            assertEquals(r.currentEtag(), head.headers.get("etag"));
            raw.send("GET", "/h");
            Raw.Head head2 = raw.readHead();
            assertEquals(200, head2.status);
            assertArrayEquals(r.body(), raw.readBody(1234));
        }
        // the server counts a response once its thread has finished it, which may be just after the client read it
        Poll.until(Duration.ofSeconds(5), () -> server.bytesSent("/h") == 1234 && server.requestCount("/h") == 2,
                "the GET counted");
        assertEquals(List.of("HEAD", "GET"), server.requests("/h").stream().map(RequestLog::method).toList());
        settled("/h");
        assertEquals(1234, server.bytesSent("/h"));
    }

    @Test
    void unknownPathIs404AndLogged() throws Exception {
        HttpResponse<byte[]> resp = get("/nothing");
        assertEquals(404, resp.statusCode());
        assertEquals(1, server.requestCount("/nothing"));
        assertEquals(404, server.requests("/nothing").get(0).status());
    }

    @Test
    void queryIgnoredUnlessExactQueryWasAdded() throws Exception {
        Resource plain = server.add("/q", 100);
        Resource exact = server.add("/q?v=2", 200);
        assertArrayEquals(plain.body(), get("/q?v=1").body());
        assertArrayEquals(exact.body(), get("/q?v=2").body());
        assertEquals(2, server.requestCount("/q"));
        assertEquals(1, server.requestCount("/q?v=2"));
        assertEquals("/q?v=1", server.requests("/q").get(0).target());
    }

    @Test
    void postAndPutBodiesAreRead() throws Exception {
        Resource r = server.add("/up", 10);
        byte[] payload = "hello upload".getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> resp = http.send(HttpRequest.newBuilder(URI.create(server.url("/up")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, resp.statusCode());
        assertArrayEquals(r.body(), resp.body());
        // chunked request body (unknown length publisher)
        http.send(HttpRequest.newBuilder(URI.create(server.url("/up")))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(payload)))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        List<RequestLog> logs = server.requests("/up");
        assertEquals(2, logs.size());
        assertEquals("POST", logs.get(0).method());
        assertArrayEquals(payload, logs.get(0).body());
        assertEquals("PUT", logs.get(1).method());
        assertArrayEquals(payload, logs.get(1).body());
    }

    @Test
    void requestHeadersAreLoggedLowerCase() throws Exception {
        server.add("/hdr", 10);
        get("/hdr", "X-Custom-Thing", "Value");
        Map<String, String> h = server.requests("/hdr").get(0).headers();
        assertEquals("Value", h.get("x-custom-thing"));
        assertTrue(h.keySet().stream().allMatch(k -> k.equals(k.toLowerCase(Locale.ROOT))));
    }

    @Test
    void extraHeaderAndForcedStatus() throws Exception {
        Resource r = server.add("/s", 100).header("X-Test", "yes").header("ETag", "\"custom\"");
        HttpResponse<byte[]> resp = get("/s");
        assertEquals("yes", resp.headers().firstValue("x-test").orElse(null));
        assertEquals(List.of("\"custom\""), resp.headers().allValues("etag"));
        r.status(404);
        assertEquals(404, get("/s").statusCode());
        r.status(410);
        assertEquals(410, get("/s").statusCode());
        r.status(0);
        assertEquals(200, get("/s").statusCode());
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        Resource r = server.add("/k", 3000);
        try (Raw raw = new Raw(server.port())) {
            for (int i = 0; i < 3; i++) {
                raw.send("GET", "/k");
                Raw.Head head = raw.readHead();
                assertEquals(200, head.status);
                assertEquals("keep-alive", head.headers.get("connection"));
                assertArrayEquals(r.body(), raw.readBody(3000));
            }
        }
        assertEquals(3, server.requestCount("/k"));
    }

    // ---- ranges -------------------------------------------------------------------------

    @Test
    void rangeForms() throws Exception {
        Resource r = server.add("/r", 10_000);
        byte[] body = r.body();

        HttpResponse<byte[]> ab = get("/r", "Range", "bytes=100-199");
        assertEquals(206, ab.statusCode());
        assertEquals("bytes 100-199/10000", ab.headers().firstValue("content-range").orElseThrow());
        assertArrayEquals(slice(body, 100, 200), ab.body());

        HttpResponse<byte[]> open = get("/r", "Range", "bytes=9000-");
        assertEquals(206, open.statusCode());
        assertEquals("bytes 9000-9999/10000", open.headers().firstValue("content-range").orElseThrow());
        assertArrayEquals(slice(body, 9000, 10_000), open.body());

        HttpResponse<byte[]> suffix = get("/r", "Range", "bytes=-500");
        assertEquals(206, suffix.statusCode());
        assertEquals("bytes 9500-9999/10000", suffix.headers().firstValue("content-range").orElseThrow());
        assertArrayEquals(slice(body, 9500, 10_000), suffix.body());

        HttpResponse<byte[]> bigSuffix = get("/r", "Range", "bytes=-20000");
        assertEquals(206, bigSuffix.statusCode());
        assertEquals("bytes 0-9999/10000", bigSuffix.headers().firstValue("content-range").orElseThrow());
        assertArrayEquals(body, bigSuffix.body());

        HttpResponse<byte[]> clamped = get("/r", "Range", "bytes=9990-20000");
        assertEquals(206, clamped.statusCode());
        assertEquals("bytes 9990-9999/10000", clamped.headers().firstValue("content-range").orElseThrow());

        HttpResponse<byte[]> multi = get("/r", "Range", "bytes=0-1,5-6");
        assertEquals(200, multi.statusCode());
        assertArrayEquals(body, multi.body());

        settled("/r");
        assertEquals(100 + 1000 + 500 + 10_000 + 10 + 10_000, server.bytesSent("/r"));
    }

    @Test
    void unsatisfiableRangeIs416WithStarContentRange() throws Exception {
        server.add("/u", 1000);
        HttpResponse<byte[]> resp = get("/u", "Range", "bytes=1000-");
        assertEquals(416, resp.statusCode());
        assertEquals("bytes */1000", resp.headers().firstValue("content-range").orElseThrow());
        assertEquals(416, get("/u", "Range", "bytes=-0").statusCode());
    }

    @Test
    void ifRangeWithCurrentEtagOrDateHonoursRange() throws Exception {
        Resource r = server.add("/ir", 5000);
        HttpResponse<byte[]> byEtag = get("/ir", "Range", "bytes=1000-", "If-Range", r.currentEtag());
        assertEquals(206, byEtag.statusCode());
        assertArrayEquals(slice(r.body(), 1000, 5000), byEtag.body());
        HttpResponse<byte[]> byDate = get("/ir", "Range", "bytes=1000-", "If-Range", r.currentLastModified());
        assertEquals(206, byDate.statusCode());
    }

    @Test
    void ifRangeMismatchGivesFullBody() throws Exception {
        Resource r = server.add("/irm", 5000);
        String oldEtag = r.currentEtag();
        String oldDate = r.currentLastModified();
        r.replaceBody(Resource.generate("other", 5000));
        assertNotEquals(oldEtag, r.currentEtag());
        assertNotEquals(oldDate, r.currentLastModified());
        HttpResponse<byte[]> byEtag = get("/irm", "Range", "bytes=1000-", "If-Range", oldEtag);
        assertEquals(200, byEtag.statusCode());
        assertArrayEquals(r.body(), byEtag.body());
        assertEquals(r.currentEtag(), byEtag.headers().firstValue("etag").orElseThrow());
        HttpResponse<byte[]> byDate = get("/irm", "Range", "bytes=1000-", "If-Range", oldDate);
        assertEquals(200, byDate.statusCode());
        HttpResponse<byte[]> weak = get("/irm", "Range", "bytes=1000-", "If-Range", "W/" + r.currentEtag());
        assertEquals(200, weak.statusCode());
        // a mismatching If-Range never yields 416
        assertEquals(200, get("/irm", "Range", "bytes=9999-", "If-Range", oldEtag).statusCode());
    }

    @Test
    void explicitValidators() throws Exception {
        Resource r = server.add("/ev", 100).etag("\"v1\"").lastModified("Tue, 02 Jan 2024 03:04:05 GMT");
        HttpResponse<byte[]> resp = get("/ev");
        assertEquals("\"v1\"", resp.headers().firstValue("etag").orElseThrow());
        assertEquals("Tue, 02 Jan 2024 03:04:05 GMT", resp.headers().firstValue("last-modified").orElseThrow());
        assertEquals(206, get("/ev", "Range", "bytes=10-", "If-Range", "\"v1\"").statusCode());
        r.replaceBody(new byte[100]);
        assertNotEquals("\"v1\"", r.currentEtag());
        assertEquals(200, get("/ev", "Range", "bytes=10-", "If-Range", "\"v1\"").statusCode());
    }

    @Test
    void noValidatorsSendsNeitherAndNeverMatchesIfRange() throws Exception {
        Resource r = server.add("/nv", 1000).noValidators();
        HttpResponse<byte[]> resp = get("/nv");
        assertTrue(resp.headers().firstValue("etag").isEmpty());
        assertTrue(resp.headers().firstValue("last-modified").isEmpty());
        assertEquals(206, get("/nv", "Range", "bytes=10-").statusCode());
        assertEquals(200, get("/nv", "Range", "bytes=10-", "If-Range", r.currentEtag()).statusCode());
    }

    @Test
    void conditionalRequestsAre304WhileTheContentIsUnchanged() throws Exception {
        Resource r = server.add("/cond", 1000).etag("\"v1\"").lastModified("Tue, 02 Jan 2024 03:04:05 GMT");
        HttpResponse<byte[]> notModified = get("/cond", "If-None-Match", "\"v1\"");
        assertEquals(304, notModified.statusCode());
        assertEquals(0, notModified.body().length);
        assertEquals("\"v1\"", notModified.headers().firstValue("etag").orElseThrow());
        assertEquals(304, get("/cond", "If-None-Match", "\"x\", W/\"v1\"").statusCode(), "weak comparison, lists");
        assertEquals(200, get("/cond", "If-None-Match", "\"x\"").statusCode());
        assertEquals(304, get("/cond", "If-Modified-Since", "Tue, 02 Jan 2024 03:04:05 GMT").statusCode());
        assertEquals(304, get("/cond", "If-Modified-Since", "Wed, 03 Jan 2024 00:00:00 GMT").statusCode());
        assertEquals(200, get("/cond", "If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT").statusCode());
        assertEquals(200, get("/cond", "If-None-Match", "\"x\"", "If-Modified-Since",
                "Wed, 03 Jan 2024 00:00:00 GMT").statusCode(), "If-None-Match decides when present");
        assertEquals(304, server.requests("/cond").get(0).status(), "the log shows the 304");

        r.replaceBody(new byte[10]);
        HttpResponse<byte[]> changed = get("/cond", "If-None-Match", "\"v1\"",
                "If-Modified-Since", "Tue, 02 Jan 2024 03:04:05 GMT");
        assertEquals(200, changed.statusCode());
        assertEquals(10, changed.body().length);
        server.add("/nv-cond", 10).noValidators();
        assertEquals(200, get("/nv-cond", "If-None-Match", "*").statusCode(), "no validators: never 304");
    }

    @Test
    void noRangesAlwaysFullAndNoAcceptRanges() throws Exception {
        Resource r = server.add("/nr", 1000).noRanges();
        HttpResponse<byte[]> resp = get("/nr", "Range", "bytes=10-");
        assertEquals(200, resp.statusCode());
        assertTrue(resp.headers().firstValue("accept-ranges").isEmpty());
        assertArrayEquals(r.body(), resp.body());
    }

    // ---- faults -------------------------------------------------------------------------

    @Test
    void dropAfterSendsExactlyNBytesThenResets() throws Exception {
        Resource r = server.add("/d", 500_000).faults(Fault.dropAfter(100_000));
        try (Raw raw = new Raw(server.port())) {
            raw.send("GET", "/d");
            Raw.Head head = raw.readHead();
            assertEquals(200, head.status);
            assertEquals("500000", head.headers.get("content-length"));
            Raw.Drain d = raw.drain(Duration.ofSeconds(5));
            assertFalse(d.timedOut);
            assertEquals(100_000, d.bytes.length);
            assertArrayEquals(slice(r.body(), 0, 100_000), d.bytes);
        }
        settled("/d");
        assertEquals(100_000, server.bytesSent("/d"));
        assertEquals(500_000, get("/d").body().length); // afterwards normal
        settled("/d");
        assertEquals(600_000, server.bytesSent("/d"));
        assertEquals(0, r.pendingFaults());
    }

    @Test
    void dropAfterDeliversAllNBytesEvenToASlowReader() throws Exception {
        Resource r = server.add("/slowreader", 2 * 1024 * 1024).faults(Fault.dropAfter(1_052_897));
        try (Raw raw = new Raw(server.port())) {
            raw.send("GET", "/slowreader");
            Poll.until(Duration.ofSeconds(5), () -> server.bytesSent("/slowreader") > 0, "sending started");
            Thread.sleep(300); // the reader lags; the server must not reset before the bytes are delivered
            Raw.Head head = raw.readHead();
            assertEquals(200, head.status);
            Raw.Drain d = raw.drain(Duration.ofSeconds(10));
            assertTrue(d.reset, "dropAfter should end with a reset");
            assertEquals(1_052_897, d.bytes.length);
            assertArrayEquals(slice(r.body(), 0, 1_052_897), d.bytes);
        }
        settled("/slowreader");
        assertEquals(1_052_897, server.bytesSent("/slowreader"));
    }

    @Test
    void dropAfterAppliesToTheRangedSlice() throws Exception {
        Resource r = server.add("/dr", 10_000).faults(Fault.dropAfter(1000));
        try (Raw raw = new Raw(server.port())) {
            raw.send("GET", "/dr", "Range: bytes=5000-");
            assertEquals(206, raw.readHead().status);
            Raw.Drain d = raw.drain(Duration.ofSeconds(5));
            assertArrayEquals(slice(r.body(), 5000, 6000), d.bytes);
        }
    }

    @Test
    void stallAfterKeepsConnectionOpenWithoutBytes() throws Exception {
        Resource r = server.add("/st", 200_000).faults(Fault.stallAfter(50_000));
        try (Raw raw = new Raw(server.port())) {
            raw.send("GET", "/st");
            assertEquals(200, raw.readHead().status);
            Raw.Drain d = raw.drain(Duration.ofMillis(1500));
            assertTrue(d.timedOut, "connection should still be open");
            assertArrayEquals(slice(r.body(), 0, 50_000), d.bytes);
            assertEquals(1, server.inFlight("/st"));
        }
        Poll.until(Duration.ofSeconds(5), () -> server.inFlight("/st") == 0, "stalled response to end after client close");
        assertEquals(50_000, server.bytesSent("/st"));
        assertEquals(200, get("/st").statusCode());
    }

    @Test
    void holdAtSendsThatManyBytesUntilReleasedThenTheRestOnTheSameConnection() throws Exception {
        BodyGate gate = new BodyGate();
        Resource r = server.add("/held", 100_000).faults(Fault.holdAt(40_000, gate));
        try (Raw raw = new Raw(server.port())) {
            raw.send("GET", "/held");
            assertEquals(200, raw.readHead().status);
            assertTrue(gate.awaitReached(Duration.ofSeconds(5)));
            Raw.Drain held = raw.drain(Duration.ofMillis(300));
            assertTrue(held.timedOut, "nothing beyond the byte before the release");
            assertArrayEquals(slice(r.body(), 0, 40_000), held.bytes);
            gate.release();
            assertArrayEquals(slice(r.body(), 40_000, 100_000), raw.readBody(60_000));
        }
        Poll.until(Duration.ofSeconds(5), () -> server.bytesSent("/held") == 100_000, "the whole body counted as sent");
        assertEquals(200, get("/held").statusCode(), "the server goes on serving");
    }

    @Test
    void aHeldBodyEndsWhenTheClientLeaves() throws Exception {
        BodyGate gate = new BodyGate();
        server.add("/left", 100_000).faults(Fault.holdAt(10, gate));
        try (Raw raw = new Raw(server.port())) {
            raw.send("GET", "/left");
            raw.readHead();
            assertTrue(gate.awaitReached(Duration.ofSeconds(5)));
        }
        Poll.until(Duration.ofSeconds(5), () -> server.inFlight("/left") == 0, "the held response to end");
        assertEquals(10, server.bytesSent("/left"));
    }

    @Test
    void stalledConnectionIsClosedByStop() throws Exception {
        server.add("/st2", 200_000).faults(Fault.stallAfter(10));
        try (Raw raw = new Raw(server.port())) {
            raw.send("GET", "/st2");
            raw.readHead();
            Poll.until(Duration.ofSeconds(5), () -> server.bytesSent("/st2") == 10, "10 bytes sent");
            long t0 = System.nanoTime();
            server.stop();
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "stop() took too long");
            Raw.Drain d = raw.drain(Duration.ofSeconds(5));
            assertFalse(d.timedOut, "stop() should end the stalled connection");
        }
    }

    @Test
    void statusFaultWithRetryAfterThenNormal() throws Exception {
        Resource r = server.add("/503", 1000).faults(Fault.status(503, "1"), Fault.status(429, null));
        HttpResponse<byte[]> first = get("/503");
        assertEquals(503, first.statusCode());
        assertEquals("1", first.headers().firstValue("retry-after").orElseThrow());
        HttpResponse<byte[]> second = get("/503");
        assertEquals(429, second.statusCode());
        assertTrue(second.headers().firstValue("retry-after").isEmpty());
        HttpResponse<byte[]> third = get("/503");
        assertEquals(200, third.statusCode());
        assertArrayEquals(r.body(), third.body());
        settled("/503");
        assertEquals(List.of(503, 429, 200), server.requests("/503").stream().map(RequestLog::status).toList());
        List<java.time.Instant> times = server.requestTimes("/503");
        assertEquals(3, times.size());
        assertTrue(!times.get(0).isAfter(times.get(1)) && !times.get(1).isAfter(times.get(2)));
        assertEquals(0, server.inFlight("/503"));
    }

    @Test
    void shortBodyAnnouncesFullLengthThenFin() throws Exception {
        Resource r = server.add("/sb", 100_000).faults(Fault.shortBody(30_000));
        try (Raw raw = new Raw(server.port())) {
            raw.send("GET", "/sb");
            Raw.Head head = raw.readHead();
            assertEquals("100000", head.headers.get("content-length"));
            Raw.Drain d = raw.drain(Duration.ofSeconds(5));
            assertFalse(d.timedOut);
            assertFalse(d.reset, "short body should end with FIN, not RST");
            assertArrayEquals(slice(r.body(), 0, 30_000), d.bytes);
        }
        settled("/sb");
        assertEquals(30_000, server.bytesSent("/sb"));
    }

    @Test
    void lyingContentRangeNamesAnotherStartWithMatchingBody() throws Exception {
        Resource r = server.add("/lie", 10_000).faults(Fault.lyingContentRange(), Fault.lyingContentRange());
        HttpResponse<byte[]> resp = get("/lie", "Range", "bytes=4000-", "If-Range", r.currentEtag());
        assertEquals(206, resp.statusCode());
        String cr = resp.headers().firstValue("content-range").orElseThrow();
        assertTrue(cr.startsWith("bytes ") && cr.endsWith("/10000"), cr);
        long start = Long.parseLong(cr.substring(6, cr.indexOf('-')));
        long end = Long.parseLong(cr.substring(cr.indexOf('-') + 1, cr.indexOf('/')));
        assertNotEquals(4000, start);
        assertEquals(9999, end);
        assertArrayEquals(slice(r.body(), (int) start, 10_000), resp.body());
        HttpResponse<byte[]> fromZero = get("/lie", "Range", "bytes=0-");
        assertEquals(206, fromZero.statusCode());
        assertFalse(fromZero.headers().firstValue("content-range").orElseThrow().startsWith("bytes 0-"));
        assertEquals(206, get("/lie", "Range", "bytes=4000-").statusCode());
        assertEquals("bytes 4000-9999/10000",
                get("/lie", "Range", "bytes=4000-").headers().firstValue("content-range").orElseThrow());
    }

    @Test
    void ignoreRangeOnceThenHonoured() throws Exception {
        Resource r = server.add("/ign", 10_000).faults(Fault.ignoreRange());
        HttpResponse<byte[]> first = get("/ign", "Range", "bytes=4000-", "If-Range", r.currentEtag());
        assertEquals(200, first.statusCode());
        assertArrayEquals(r.body(), first.body());
        assertEquals(206, get("/ign", "Range", "bytes=4000-", "If-Range", r.currentEtag()).statusCode());
    }

    @Test
    void changeEtagBeforeReplacesContentOfSameSize() throws Exception {
        Resource r = server.add("/ch", 10_000);
        String oldEtag = r.currentEtag();
        String oldSha = r.sha256();
        byte[] oldBody = r.body();
        r.faults(Fault.changeEtagBefore());
        HttpResponse<byte[]> resp = get("/ch", "Range", "bytes=4000-", "If-Range", oldEtag);
        assertEquals(200, resp.statusCode());
        assertEquals(10_000, resp.body().length);
        assertFalse(Arrays.equals(oldBody, resp.body()));
        assertArrayEquals(r.body(), resp.body());
        assertNotEquals(oldSha, r.sha256());
        assertNotEquals(oldEtag, resp.headers().firstValue("etag").orElseThrow());
        assertEquals(sha256(resp.body()), r.sha256());
    }

    @Test
    void refuseClosesWithoutResponse() throws Exception {
        Resource r = server.add("/ref", 1000).faults(Fault.refuse());
        try (Raw raw = new Raw(server.port())) {
            raw.send("GET", "/ref");
            Raw.Drain d = raw.drain(Duration.ofSeconds(5));
            assertFalse(d.timedOut);
            assertEquals(0, d.bytes.length);
        }
        assertEquals(0, server.requests("/ref").get(0).status());
        assertArrayEquals(r.body(), get("/ref").body());
    }

    // ---- throttle, lifecycle, accounting ------------------------------------------------

    @Test
    void throttleIsReasonablyAccurate() throws Exception {
        Resource r = server.add("/slow", 1024 * 1024).throttle(512 * 1024);
        long t0 = System.nanoTime();
        HttpResponse<byte[]> resp = get("/slow");
        double secs = (System.nanoTime() - t0) / 1e9;
        assertArrayEquals(r.body(), resp.body());
        assertTrue(secs > 1.7 && secs < 3.5, "1 MiB at 512 KiB/s took " + secs + " s");
    }

    @Test
    void throttleChangeAppliesToResponseInProgress() throws Exception {
        Resource r = server.add("/slow2", 1024 * 1024).throttle(50 * 1024);
        Thread t = new Thread(() -> {
            try {
                Poll.until(Duration.ofSeconds(5), () -> server.bytesSent("/slow2") > 0, "first bytes");
                r.throttle(0);
            } catch (Throwable ignored) {
                // the assertion below reports
            }
        });
        t.start();
        long t0 = System.nanoTime();
        assertArrayEquals(r.body(), get("/slow2").body());
        assertTrue(System.nanoTime() - t0 < 6_000_000_000L);
        t.join();
    }

    @Test
    void stopRefusesConnectsAndRestartListensOnSamePort() throws Exception {
        Resource r = server.add("/life", 1000);
        int port = server.port();
        assertEquals(200, get("/life").statusCode());
        server.stop();
        assertFalse(server.isRunning());
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        server.restart();
        assertEquals(port, server.port());
        assertTrue(server.isRunning());
        assertArrayEquals(r.body(), get("/life").body());
        assertEquals(2, server.requestCount("/life"));
        server.stop();
        server.restart();
        assertEquals(200, get("/life").statusCode());
    }

    @Test
    void stopDuringThrottledTransferCutsItAndDoesNotHang() throws Exception {
        server.add("/cut", 1_000_000).throttle(100_000);
        try (Raw raw = new Raw(server.port())) {
            raw.send("GET", "/cut");
            raw.readHead();
            Poll.until(Duration.ofSeconds(5), () -> server.bytesSent("/cut") > 10_000, "some bytes");
            long t0 = System.nanoTime();
            server.stop();
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
            Raw.Drain d = raw.drain(Duration.ofSeconds(5));
            assertFalse(d.timedOut);
            assertTrue(d.bytes.length < 1_000_000);
            long sentAtStop = server.bytesSent("/cut");
            assertTrue(d.bytes.length <= sentAtStop);
        }
    }

    @Test
    void closeEndsEverythingQuickly() throws Exception {
        server.add("/c1", 1_000_000).throttle(10_000);
        server.add("/c2", 1_000_000).faults(Fault.stallAfter(5));
        Raw a = new Raw(server.port());
        Raw b = new Raw(server.port());
        try (a; b) {
            a.send("GET", "/c1");
            b.send("GET", "/c2");
            a.readHead();
            b.readHead();
            long t0 = System.nanoTime();
            server.close();
            assertTrue(System.nanoTime() - t0 < 1_000_000_000L);
            assertFalse(a.drain(Duration.ofSeconds(2)).timedOut);
            assertFalse(b.drain(Duration.ofSeconds(2)).timedOut);
        }
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", server.port()).close());
    }

    @Test
    void bytesSentCountsOnlyWhatWasWritten() throws Exception {
        server.add("/acc", 100_000).faults(Fault.dropAfter(12_345), Fault.shortBody(1000));
        try (Raw raw = new Raw(server.port())) {
            raw.send("GET", "/acc");
            raw.readHead();
            raw.drain(Duration.ofSeconds(5));
        }
        try (Raw raw = new Raw(server.port())) {
            raw.send("GET", "/acc", "Range: bytes=50000-");
            raw.readHead();
            raw.drain(Duration.ofSeconds(5));
        }
        get("/acc", "Range", "bytes=99000-");
        try (Raw raw = new Raw(server.port())) {
            raw.send("HEAD", "/acc");
            raw.readHead();
        }
        Poll.until(Duration.ofSeconds(5), () -> server.requestCount("/acc") == 4
                && server.bytesSent("/acc") >= 12_345 + 1000 + 1000, "4 requests, all counted");
        settled("/acc");
        assertEquals(12_345 + 1000 + 1000, server.bytesSent("/acc"));
        assertEquals(0, server.bytesSent("/other"));
        assertNull(server.resource("/other"));
    }

    // ---- a minimal raw HTTP client --------------------------------------------------------

    /** A raw socket client that can observe how a response ends. */
    static final class Raw implements Closeable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        record Head(int status, Map<String, String> headers) {}

        /** What arrived until the end: the bytes, and whether it ended by reset or timed out. */
        record Drain(byte[] bytes, boolean reset, boolean timedOut) {}

        Raw(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void send(String method, String target, String... headerLines) throws IOException {
            StringBuilder sb = new StringBuilder();
            sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (String h : headerLines) {
                sb.append(h).append("\r\n");
            }
            sb.append("\r\n");
            out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        Head readHead() throws IOException {
            socket.setSoTimeout(10_000);
            String status = line();
            Map<String, String> headers = new LinkedHashMap<>();
            for (String l = line(); !l.isEmpty(); l = line()) {
                int c = l.indexOf(':');
                headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
            }
            return new Head(Integer.parseInt(status.split(" ")[1]), headers);
        }

        byte[] readBody(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            assertEquals(n, b.length);
            return b;
        }

        Drain drain(Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[65536];
            while (true) {
                int n;
                try {
                    n = in.read(chunk);
                } catch (SocketTimeoutException e) {
                    return new Drain(buf.toByteArray(), false, true);
                } catch (IOException e) {
                    return new Drain(buf.toByteArray(), true, false);
                }
                if (n < 0) {
                    return new Drain(buf.toByteArray(), false, false);
                }
                buf.write(chunk, 0, n);
            }
        }

        private String line() throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    buf.write(b);
                }
            }
            if (b < 0 && buf.size() == 0) {
                throw new IOException("connection closed before a line");
            }
            return buf.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Waits until the server has finished every response for the path: its counters are final then. */
    private void settled(String path) {
        Poll.until(Duration.ofSeconds(5), () -> server.inFlight(path) == 0, "the responses for " + path + " to end");
    }
}
