package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bgfetch.testing.Fault;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.RequestLog;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import io.bgfetch.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a fetch survives a misbehaving network and server: dropped, stalled and short bodies,
 * retryable and final statuses, outages, changed or lying resources, integrity and quota.
 * Each test runs its own installation (own BGFETCH_HOME and daemon) against its own
 * {@link TestServer}, and checks what a user would: the exit codes, the JSON, the sha256 of
 * the stored body, and the bytes the server really sent (resume versus restart).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FaultToleranceIT extends EndToEndTest {

    /** The checkpoint interval the daemon is started with (BGFETCH_CHECKPOINT_BYTES). */
    private static final int CHECKPOINT = 256 * 1024;
    private static final Duration DONE_TIMEOUT = Duration.ofSeconds(60);

    /** Short waits and small checkpoints, so faults show within seconds. */
    @BeforeEach
    void tuneTheDaemon() {
        bg.env("BGFETCH_BACKOFF_BASE", "100ms")
                .env("BGFETCH_BACKOFF_MAX", "1s")
                .env("BGFETCH_CHECKPOINT_BYTES", "256KiB")
                .env("BGFETCH_STALL_TIMEOUT", "2s");
    }

    // ---- 1. dropped connection ---------------------------------------------------------

    @Test
    void droppedConnectionResumesWithRangeAndIfRange() {
        int size = 2 * 1024 * 1024;
        long drop = 1024 * 1024 + 4321;
        Resource r = server.add("/drop.bin", size).faults(Fault.dropAfter(drop));
        String url = server.url("/drop.bin");

        fetch("drop", url);
        Map<String, Object> s = bg.awaitDone("drop", DONE_TIMEOUT);

        assertResult(s, "success", "");
        assertEquals(size, num(s, "downloaded"), s::toString);
        assertStoredExact("drop", url, r);
        assertStoredExactViaPath("drop", url, r);

        List<RequestLog> gets = gets("/drop.bin");
        assertTrue(gets.size() >= 2, () -> "expected a resumed request, got " + gets);
        RequestLog resume = gets.get(1);
        long start = rangeStart(resume);
        assertTrue(start > 0, () -> "the second request should ask for a range: " + resume);
        assertTrue(start <= drop && start >= drop - CHECKPOINT,
                () -> "resume should start near the " + drop + " bytes received: " + resume);
        assertValidatorOf(r, resume);
        assertEquals(206, resume.status(), resume::toString);
        assertTrue(server.bytesSent("/drop.bin") < size + CHECKPOINT,
                () -> "resumed, not restarted: sent " + server.bytesSent("/drop.bin") + " for " + size);
    }

    // ---- 2. Retry-After --------------------------------------------------------------------

    @Test
    void serviceUnavailableWithRetryAfterWaitsThenSucceeds() {
        Resource r = server.add("/busy.bin", 300_000)
                .faults(Fault.status(503, "1"), Fault.status(503, "1"));
        String url = server.url("/busy.bin");

        fetch("busy", url);
        AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
        Poll.until(Duration.ofSeconds(20), () -> {
            Map<String, Object> st = bg.status("busy");
            if ("waiting".equals(st.get("state")) && st.get("nextAttemptAt") != null) {
                seen.set(st);
                return true;
            }
            if ("done".equals(st.get("state"))) {
                fail("the fetch ended without ever showing state waiting with nextAttemptAt: " + st);
            }
            return false;
        }, "state waiting with nextAttemptAt set");
        Instant next = Instant.parse((String) seen.get().get("nextAttemptAt"));
        assertNotNull(next);
        assertEquals("", seen.get().get("result"), () -> "still running while waiting: " + seen.get());

        Map<String, Object> s = bg.awaitDone("busy", DONE_TIMEOUT);
        assertResult(s, "success", "");
        assertStoredExact("busy", url, r);

        List<RequestLog> all = server.requests("/busy.bin");
        assertEquals(List.of(503, 503, 200), all.stream().map(RequestLog::status).toList(), all::toString);
        List<Instant> times = server.requestTimes("/busy.bin");
        for (int i = 1; i < times.size(); i++) {
            long gap = Duration.between(times.get(i - 1), times.get(i)).toMillis();
            assertTrue(gap >= 950, "Retry-After: 1 not honoured: attempt " + i + " came " + gap + " ms later");
        }
    }

    // ---- 3. final status --------------------------------------------------------------------

    @Test
    void notFoundFailsAtOnceWithoutRetry() {
        server.add("/missing.bin", 1000).status(404);
        String url = server.url("/missing.bin");

        fetch("nf", url);
        Map<String, Object> s = bg.awaitDone("nf", DONE_TIMEOUT);

        assertResult(s, "failure", "bad-status");
        assertEquals(1, server.requestCount("/missing.bin"), () -> "no retry of a 404: " + server.requests("/missing.bin"));
        assertNoBody("nf", url);
        Map<String, Object> rec = record("nf", url);
        assertEquals("failed", rec.get("state"), rec::toString);
        assertEquals(404, num(rec, "status"), rec::toString);
    }

    @Test
    void oneNotFoundAmongThreeKeepsTheOthersMatchable() {
        Resource a = server.add("/three/a.bin", 100_000);
        server.add("/three/b.bin", 10).status(404);
        Resource c = server.add("/three/c.bin", 150_000);
        String ua = server.url("/three/a.bin");
        String ub = server.url("/three/b.bin");
        String uc = server.url("/three/c.bin");

        fetch("three", ua, ub, uc);
        Map<String, Object> s = bg.awaitDone("three", DONE_TIMEOUT);

        assertResult(s, "failure", "bad-status");
        assertStoredExact("three", ua, a);
        assertStoredExact("three", uc, c);
        assertNoBody("three", ub);
        assertEquals(1, server.requestCount("/three/b.bin"));
        assertEquals("done", record("three", ua).get("state"));
        assertEquals("failed", record("three", ub).get("state"));
        assertEquals("done", record("three", uc).get("state"));
    }

    // ---- 4. retry window exhausted ----------------------------------------------------------

    @Test
    void persistentServerErrorFailsWithBadStatusAfterRetryWindow() {
        server.add("/err.bin", 1000).status(500);
        String url = server.url("/err.bin");

        fetch("err", "--retry-for", "3s", url);
        Map<String, Object> s = bg.awaitDone("err", Duration.ofSeconds(45));

        assertResult(s, "failure", "bad-status");
        List<Instant> times = server.requestTimes("/err.bin");
        assertTrue(times.size() >= 3, () -> "a 500 is transient and should be retried: " + times.size() + " attempts");
        long span = Duration.between(times.get(0), times.get(times.size() - 1)).toMillis();
        assertTrue(span >= 2000, "retried for only " + span + " ms of a 3 s window");
        assertNoBody("err", url);
        assertEquals("failed", record("err", url).get("state"));
    }

    /**
     * The window is stored: a daemon killed and started again two and a half seconds into a 4 s
     * window fails the record when the 4 s are up, not 4 s after its own start.
     */
    @Test
    void theRetryWindowKeepsCountingAcrossADaemonRestart() {
        server.add("/down.bin", 1000).status(503);
        String url = server.url("/down.bin");

        fetch("down", "--retry-for", "4s", url);
        Poll.until(Duration.ofSeconds(20), () -> {
            List<Instant> t = server.requestTimes("/down.bin");
            return t.size() >= 2 && Duration.between(t.get(0), t.get(t.size() - 1)).toMillis() >= 2500;
        }, "2.5 s of the window to pass");
        bg.killDaemon();
        Result st = bg.run("status", "down");
        assertEquals(0, st.exit(), st::describe);
        Map<String, Object> s = bg.awaitDone("down", Duration.ofSeconds(45));

        assertResult(s, "failure", "bad-status");
        List<Instant> times = server.requestTimes("/down.bin");
        long span = Duration.between(times.get(0), times.get(times.size() - 1)).toMillis();
        // A window that started again with the new daemon would retry until at least 2.5 + 4 s.
        assertTrue(span < 5500, "the last attempt came " + span + " ms after the first, past the 4 s window");
    }

    @Test
    void persistentRefusalFailsWithFetchError() {
        server.add("/gone.bin", 1000);
        String url = server.url("/gone.bin");
        server.stop();

        fetch("refused", "--retry-for", "3s", url);
        Map<String, Object> s = bg.awaitDone("refused", Duration.ofSeconds(45));

        assertResult(s, "failure", "fetch-error");
        assertNoBody("refused", url);
        assertEquals("failed", record("refused", url).get("state"));
    }

    // ---- 5. outage mid-transfer -------------------------------------------------------------

    @Test
    void serverOutageMidTransferWaitsThenResumesByItself() throws IOException {
        int size = 2 * 1024 * 1024;
        Resource r = server.add("/outage.bin", size).throttle(400 * 1024);
        String url = server.url("/outage.bin");

        fetch("outage", url);
        Poll.until(Duration.ofSeconds(30), () -> server.bytesSent("/outage.bin") >= 600 * 1024, "600 KiB sent");
        server.stop();
        long sentBeforeOutage = server.bytesSent("/outage.bin");
        int requestsBeforeOutage = server.requestCount("/outage.bin");

        Poll.until(Duration.ofSeconds(30), () -> "waiting".equals(bg.status("outage").get("state")),
                "state waiting while the server is down");
        Map<String, Object> waiting = bg.status("outage");
        assertEquals("", waiting.get("result"), waiting::toString);

        r.throttle(2 * 1024 * 1024);
        server.restart();
        Map<String, Object> s = bg.awaitDone("outage", DONE_TIMEOUT);

        assertResult(s, "success", "");
        assertStoredExact("outage", url, r);
        List<RequestLog> after = server.requests("/outage.bin").subList(requestsBeforeOutage, server.requestCount("/outage.bin"));
        assertTrue(!after.isEmpty(), "no request after the restart");
        RequestLog resume = after.get(0);
        assertTrue(rangeStart(resume) >= sentBeforeOutage - CHECKPOINT,
                () -> "should resume near " + sentBeforeOutage + ": " + resume);
        assertValidatorOf(r, resume);
        assertTrue(server.bytesSent("/outage.bin") < size + CHECKPOINT,
                () -> "resumed, not restarted: sent " + server.bytesSent("/outage.bin") + " for " + size);
    }

    // ---- 6. stalls --------------------------------------------------------------------------

    @Test
    void stalledConnectionIsDroppedAndResumed() {
        int size = 1024 * 1024;
        long stall = 300_000;
        Resource r = server.add("/stall.bin", size).faults(Fault.stallAfter(stall));
        String url = server.url("/stall.bin");

        fetch("stall", url);
        Map<String, Object> s = bg.awaitDone("stall", DONE_TIMEOUT);

        assertResult(s, "success", "");
        assertStoredExact("stall", url, r);
        List<RequestLog> gets = gets("/stall.bin");
        assertTrue(gets.size() >= 2, gets::toString);
        long start = rangeStart(gets.get(1));
        assertTrue(start > 0 && start <= stall && start >= stall - CHECKPOINT, () -> "resume: " + gets.get(1));
        assertValidatorOf(r, gets.get(1));
        assertTrue(server.bytesSent("/stall.bin") < size + CHECKPOINT);
        Poll.until(Duration.ofSeconds(5), () -> server.inFlight("/stall.bin") == 0,
                "the stalled connection to be closed by the client");
    }

    @Test
    void slowButMovingTransferIsNotTreatedAsStalled() {
        int size = 1_000_000;
        Resource r = server.add("/slow.bin", size).throttle(200_000); // 5 s, longer than the 2 s stall timeout
        String url = server.url("/slow.bin");

        fetch("slow", url);
        Map<String, Object> s = bg.awaitDone("slow", DONE_TIMEOUT);

        assertResult(s, "success", "");
        assertStoredExact("slow", url, r);
        assertEquals(1, server.requestCount("/slow.bin"), () -> "a moving transfer was dropped: " + server.requests("/slow.bin"));
        assertEquals(size, server.bytesSent("/slow.bin"));
    }

    // ---- 7. short body ----------------------------------------------------------------------

    @Test
    void shortBodyIsResumed() {
        int size = 1024 * 1024;
        long sent = 400_000;
        Resource r = server.add("/short.bin", size).faults(Fault.shortBody(sent));
        String url = server.url("/short.bin");

        fetch("short", url);
        Map<String, Object> s = bg.awaitDone("short", DONE_TIMEOUT);

        assertResult(s, "success", "");
        assertStoredExact("short", url, r);
        List<RequestLog> gets = gets("/short.bin");
        assertTrue(gets.size() >= 2, gets::toString);
        long start = rangeStart(gets.get(1));
        assertTrue(start > 0 && start <= sent && start >= sent - CHECKPOINT, () -> "resume: " + gets.get(1));
        assertValidatorOf(r, gets.get(1));
        assertTrue(server.bytesSent("/short.bin") < size + CHECKPOINT);
    }

    // ---- 8. the resource changes or the server lies ------------------------------------------

    @Test
    void changedResourceOnResumeRestartsFromZeroWithNewContent() {
        int size = 1024 * 1024;
        long drop = 400_000;
        Resource r = server.add("/chg.bin", size).faults(Fault.dropAfter(drop), Fault.changeEtagBefore());
        String oldSha = r.sha256();
        String oldEtag = r.currentEtag();
        String oldDate = r.currentLastModified();
        String url = server.url("/chg.bin");

        fetch("chg", url);
        Map<String, Object> s = bg.awaitDone("chg", DONE_TIMEOUT);

        assertResult(s, "success", "");
        assertNotEquals(oldSha, r.sha256(), "the fault should have changed the content");
        assertStoredExact("chg", url, r); // the NEW content, never a splice of old and new
        List<RequestLog> gets = gets("/chg.bin");
        assertTrue(gets.size() >= 2, gets::toString);
        RequestLog resume = gets.get(1);
        assertTrue(rangeStart(resume) > 0, () -> "the second request should ask for a range: " + resume);
        String ifRange = resume.header("if-range");
        assertTrue(oldEtag.equals(ifRange) || oldDate.equals(ifRange),
                () -> "If-Range should name the old validator " + oldEtag + " / " + oldDate + ": " + resume);
        assertEquals(200, resume.status(), "the changed resource answers 200 with the whole new body");
        assertTrue(server.bytesSent("/chg.bin") >= drop + size, "the new body must be fetched whole");
    }

    @Test
    void ignoredRangeOnResumeRestartsFromZero() {
        int size = 1024 * 1024;
        Resource r = server.add("/ign.bin", size).faults(Fault.dropAfter(400_000), Fault.ignoreRange());
        String url = server.url("/ign.bin");

        fetch("ign", url);
        Map<String, Object> s = bg.awaitDone("ign", DONE_TIMEOUT);

        assertResult(s, "success", "");
        assertStoredExact("ign", url, r);
        List<RequestLog> gets = gets("/ign.bin");
        assertTrue(gets.size() >= 2, gets::toString);
        assertTrue(rangeStart(gets.get(1)) > 0, () -> "the second request should ask for a range: " + gets.get(1));
        assertEquals(200, gets.get(1).status());
        assertEquals(size, num(s, "downloaded"), s::toString);
    }

    @Test
    void lyingContentRangeIsNeverAppended() {
        int size = 1024 * 1024;
        Resource r = server.add("/lie.bin", size).faults(Fault.dropAfter(400_000), Fault.lyingContentRange());
        String url = server.url("/lie.bin");

        fetch("lie", url);
        Map<String, Object> s = bg.awaitDone("lie", DONE_TIMEOUT);

        assertResult(s, "success", "");
        assertStoredExact("lie", url, r);
        List<RequestLog> gets = gets("/lie.bin");
        assertTrue(gets.size() >= 2, gets::toString);
        assertEquals(206, gets.get(1).status(), () -> "the lying answer: " + gets.get(1));
        assertEquals(size, num(s, "downloaded"), s::toString);
    }

    @Test
    void withoutValidatorsADroppedBodyRestartsFromZero() {
        int size = 1024 * 1024;
        long drop = 400_000;
        Resource r = server.add("/nov.bin", size).noValidators().faults(Fault.dropAfter(drop));
        String url = server.url("/nov.bin");

        fetch("nov", url);
        Map<String, Object> s = bg.awaitDone("nov", DONE_TIMEOUT);

        assertResult(s, "success", "");
        assertStoredExact("nov", url, r);
        List<RequestLog> gets = gets("/nov.bin");
        assertTrue(gets.size() >= 2, gets::toString);
        RequestLog last = gets.get(gets.size() - 1);
        assertNull(last.header("range"), () -> "nothing proves the resource unchanged, so no Range: " + last);
        assertEquals(200, last.status());
        assertEquals(drop + size, server.bytesSent("/nov.bin"), "restarted from zero");
    }

    // ---- 9. integrity -----------------------------------------------------------------------

    @Test
    void matchingIntegrityCompletes() throws IOException {
        Resource hex = server.add("/int/hex.bin", 200_000);
        Resource sri = server.add("/int/sri.bin", 150_000);
        String sriValue = "sha256-" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sri.sha256()));
        Path input = tmp.resolve("integrity-ok.txt");
        Files.writeString(input, "# integrity\n" + server.url("/int/hex.bin") + " sha256=" + hex.sha256() + "\n\n"
                + server.url("/int/sri.bin") + " integrity=" + sriValue + "\n", StandardCharsets.UTF_8);

        fetch("int-ok", "-i", input.toString());
        Map<String, Object> s = bg.awaitDone("int-ok", DONE_TIMEOUT);

        assertResult(s, "success", "");
        assertEquals(2, num(s, "requests"), s::toString);
        assertStoredExact("int-ok", server.url("/int/hex.bin"), hex);
        assertStoredExact("int-ok", server.url("/int/sri.bin"), sri);
        assertEquals(1, server.requestCount("/int/hex.bin"));
    }

    @Test
    void integrityMismatchDownloadsTwiceThenFails() throws IOException {
        server.add("/int/bad.bin", 200_000);
        String wrong = Sha256.hex("something else".getBytes(StandardCharsets.UTF_8));
        String url = server.url("/int/bad.bin");
        Path input = tmp.resolve("integrity-bad.txt");
        Files.writeString(input, url + " sha256=" + wrong + "\n", StandardCharsets.UTF_8);

        fetch("int-bad", "--input", input.toString());
        Map<String, Object> s = bg.awaitDone("int-bad", DONE_TIMEOUT);

        assertResult(s, "failure", "fetch-error");
        assertEquals(2, server.requestCount("/int/bad.bin"),
                () -> "one fresh download after the mismatch: " + server.requests("/int/bad.bin"));
        assertEquals(2 * 200_000, server.bytesSent("/int/bad.bin"), "the second download starts from zero");
        assertNoBody("int-bad", url);
    }

    // ---- 10. quota --------------------------------------------------------------------------

    @Test
    void quotaExceededFailsButKeepsCompleteRecordsAndTheDaemonServes() {
        bg.env("BGFETCH_QUOTA", "1MB");
        Resource small = server.add("/q/small.bin", 200_000);
        server.add("/q/big.bin", 5_000_000).throttle(2_000_000);
        String us = server.url("/q/small.bin");
        String ub = server.url("/q/big.bin");

        fetch("quota", "-j", "1", us, ub);
        Map<String, Object> s = bg.awaitDone("quota", DONE_TIMEOUT);

        assertResult(s, "failure", "quota-exceeded");
        assertStoredExact("quota", us, small);
        assertNoBody("quota", ub);
        long pid = bg.daemonPid();
        assertTrue(pid > 0, "a daemon should be running");

        Resource after = server.add("/q/after.bin", 100_000);
        String ua = server.url("/q/after.bin");
        Result w = bg.run("fetch", "--wait", "after", ua);
        assertEquals(0, w.exit(), w::describe);
        assertStoredExact("after", ua, after);
        assertEquals(pid, bg.daemonPid(), "the same daemon should have served the new fetch");
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void fetch(String id, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("fetch");
        // options first, then the ID, then URLs
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("-")) {
                cmd.add(args[i]);
                if (i + 1 < args.length && takesValue(args[i])) {
                    cmd.add(args[++i]);
                }
            } else {
                urls.add(args[i]);
            }
        }
        cmd.add(id);
        cmd.addAll(urls);
        Result r = bg.run(cmd.toArray(String[]::new));
        assertEquals(0, r.exit(), () -> "fetch failed: " + r.describe());
    }

    private static boolean takesValue(String option) {
        return !option.equals("--wait") && !option.equals("-w") && !option.equals("--replace") && !option.equals("--notify");
    }

    private List<RequestLog> gets(String path) {
        return server.requests(path).stream().filter(l -> l.method().equals("GET")).toList();
    }

    /** The N of a {@code Range: bytes=N-} request header, or -1 without a Range. */
    static long rangeStart(RequestLog log) {
        String range = log.header("range");
        if (range == null) {
            return -1;
        }
        String spec = range.trim();
        assertTrue(spec.startsWith("bytes="), () -> "odd Range header: " + log);
        String first = spec.substring(6, spec.indexOf('-'));
        return first.isEmpty() ? -1 : Long.parseLong(first.trim());
    }

    /** The resumed request proves the resource unchanged: If-Range with the ETag or the Last-Modified date. */
    static void assertValidatorOf(Resource r, RequestLog resume) {
        String ifRange = resume.header("if-range");
        assertNotNull(ifRange, () -> "a resumed request needs If-Range: " + resume);
        assertTrue(ifRange.equals(r.currentEtag()) || ifRange.equals(r.currentLastModified()),
                () -> "If-Range should hold the ETag " + r.currentEtag() + " or the date " + r.currentLastModified() + ": " + resume);
    }

    static long num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertTrue(v instanceof Number, () -> key + " should be a number in " + m);
        return ((Number) v).longValue();
    }

    private static void assertResult(Map<String, Object> s, String result, String reason) {
        assertEquals("done", s.get("state"), s::toString);
        assertEquals(result, s.get("result"), s::toString);
        assertEquals(reason, s.get("failureReason"), s::toString);
    }

    /** {@code match ID URL} writes exactly the resource's bytes. */
    private void assertStoredExact(String id, String url, Resource r) {
        Result m = bg.run("match", id, url);
        assertEquals(0, m.exit(), () -> "match " + id + " " + url + ": " + m.stderr());
        assertEquals(r.sha256(), Sha256.hex(m.stdoutBytes()),
                () -> "stored body differs from the resource (" + m.stdoutBytes().length + " bytes, expected " + r.size() + ")");
    }

    /** {@code match ID URL --path} names a file holding exactly the resource's bytes. */
    private void assertStoredExactViaPath(String id, String url, Resource r) {
        Result m = bg.run("match", id, url, "--path");
        assertEquals(0, m.exit(), m::describe);
        Path p = Path.of(m.out().trim());
        assertTrue(p.startsWith(bg.home()), () -> "stored body outside BGFETCH_HOME: " + p);
        assertEquals(r.sha256(), Sha256.hex(p));
    }

    /** A record with no body to give: exit 3, nothing on stdout. */
    private void assertNoBody(String id, String url) {
        Result m = bg.run("match", id, url);
        assertEquals(3, m.exit(), m::describe);
        assertEquals(0, m.stdoutBytes().length, m::describe);
    }

    /** The record of that URL, from {@code match ID --json}. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> record(String id, String url) {
        Result m = bg.run("match", id, "--json");
        assertEquals(0, m.exit(), m::describe);
        for (Object o : m.jsonArray()) {
            Map<String, Object> rec = (Map<String, Object>) o;
            if (url.equals(rec.get("url"))) {
                return rec;
            }
        }
        return fail("no record for " + url + " in " + m.out());
    }
}
