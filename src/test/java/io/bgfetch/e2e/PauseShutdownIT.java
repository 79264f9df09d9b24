package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Bgfetch;
import io.bgfetch.testing.Fault;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.RequestLog;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pausing and resuming a fetch, and stopping the daemon gracefully with transfers in flight. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PauseShutdownIT extends EndToEndTest {

    private static final int CHECKPOINT = 256 * 1024;

    /** Short waits and small checkpoints, so faults show within seconds. */
    @BeforeEach
    void tuneTheDaemon() {
        bg.env("BGFETCH_BACKOFF_BASE", "100ms")
                .env("BGFETCH_BACKOFF_MAX", "1s")
                .env("BGFETCH_CHECKPOINT_BYTES", "256KiB");
    }

    @Test
    void pausingAFetchThatWaitsToRetryKeepsItsBytesAndResumeFinishesIt() {
        int size = 2_000_000;
        // 600 KB arrive, the connection drops, then the server asks for a long wait.
        Resource r = server.add("/w.bin", size).faults(Fault.dropAfter(600_000), Fault.status(503, "60"));
        String url = server.url("/w.bin");
        run(0, "fetch", "wz", url);
        Poll.until(Duration.ofSeconds(30), () -> "waiting".equals(bg.status("wz").get("state")), "state waiting");

        run(0, "pause", "wz");
        Map<String, Object> paused = bg.status("wz");
        assertEquals("paused", paused.get("state"), paused.toString());
        assertEquals("", paused.get("result"), "a pause during a retry wait must not end the fetch");
        assertTrue(num(paused, "downloaded") >= 500_000, "the bytes before the drop are kept: " + paused);

        run(0, "resume", "wz");
        bg.awaitDone("wz", Duration.ofSeconds(60));
        assertEquals("success", bg.status("wz").get("result"));
        assertEquals(r.sha256(), Sha256.hex(bg.run("match", "wz", url).stdoutBytes()));
        List<RequestLog> requests = server.requests("/w.bin");
        String range = requests.get(requests.size() - 1).header("range");
        assertTrue(range != null && !range.startsWith("bytes=0-"), "resumed, not restarted: " + requests);
    }

    @Test
    void pauseStopsTheTransferAndResumeContinuesIt() {
        int size = 3_000_000;
        Resource r = server.add("/p.bin", size).throttle(500_000); // 6 s
        String url = server.url("/p.bin");
        run(0, "fetch", "pz", url);
        Poll.until(Duration.ofSeconds(30), () -> num(bg.status("pz"), "downloaded") >= 500_000, "500 KB downloaded");

        run(0, "pause", "pz");
        Poll.until(Duration.ofSeconds(10), () -> "paused".equals(bg.status("pz").get("state")), "state paused");
        Poll.until(Duration.ofSeconds(10), () -> server.inFlight("/p.bin") == 0,
                "the paused transfer's connection to be closed");
        long downloaded = num(bg.status("pz"), "downloaded");
        long sent = server.bytesSent("/p.bin");
        int requests = server.requestCount("/p.bin");
        assertTrue(downloaded > 0 && downloaded < size, "progress is kept while paused: " + downloaded);
        Poll.sleep(1200); // then check that nothing moved meanwhile
        Map<String, Object> still = bg.status("pz");
        assertEquals("paused", still.get("state"), still::toString);
        assertEquals(downloaded, num(still, "downloaded"), "downloaded grew while paused");
        assertEquals(sent, server.bytesSent("/p.bin"), "the server kept sending while paused");
        assertEquals(requests, server.requestCount("/p.bin"), "a request was made while paused");

        run(0, "resume", "pz");
        Map<String, Object> s = bg.awaitDone("pz", Duration.ofSeconds(60));
        assertEquals("success", s.get("result"), s::toString);
        assertEquals(size, num(s, "downloaded"), s::toString);
        Result m = run(0, "match", "pz", url);
        assertEquals(r.sha256(), Sha256.hex(m.stdoutBytes()), "stored body differs from the resource");

        List<RequestLog> all = server.requests("/p.bin");
        assertTrue(all.size() > requests, "no request after resume");
        RequestLog resumed = all.get(requests);
        long start = FaultToleranceIT.rangeStart(resumed);
        assertTrue(start >= downloaded - CHECKPOINT && start <= downloaded,
                () -> "resume should continue from " + downloaded + ": " + resumed);
        FaultToleranceIT.assertValidatorOf(r, resumed);
        assertTrue(server.bytesSent("/p.bin") < size + CHECKPOINT,
                () -> "resumed, not restarted: sent " + server.bytesSent("/p.bin") + " for " + size);

        // a done fetch can be neither paused nor resumed
        run(1, "pause", "pz");
        run(1, "resume", "pz");
    }

    @Test
    void resumeOfAnActiveFetchAndPauseOfAnUnknownOneAreRefused() {
        server.add("/active.bin", 2_000_000).throttle(200_000);
        run(0, "fetch", "act", server.url("/active.bin"));
        Poll.until(Duration.ofSeconds(30), () -> server.bytesSent("/active.bin") > 0, "transfer started");
        run(1, "resume", "act");
        assertTrue(List.of("active", "queued", "waiting").contains(bg.status("act").get("state")));
        run(3, "pause", "no-such-fetch");
        run(3, "resume", "no-such-fetch");
        run(0, "abort", "act");
        Map<String, Object> s = bg.awaitDone("act", Duration.ofSeconds(30));
        assertEquals("aborted", s.get("failureReason"), s::toString);
        run(1, "pause", "act");
    }

    @Test
    void gracefulStopWithFiftyTransfersInFlightResumesThemAll() {
        int n = 50;
        bg.env("BGFETCH_MAX_TRANSFERS", "50"); // the daemon's own limit (16) would queue most of them
        int size = 200_000;
        Map<String, Resource> byUrl = new HashMap<>();
        List<String> args = new ArrayList<>(List.of("fetch", "-j", "50", "grace"));
        for (int i = 0; i < n; i++) {
            String path = "/g/" + i + ".bin";
            Resource r = server.add(path, size).throttle(40_000); // 5 s each
            byUrl.put(server.url(path), r);
            args.add(server.url(path));
        }
        run(0, args.toArray(String[]::new));
        Poll.until(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < n; i++) {
                String path = "/g/" + i + ".bin";
                if (server.bytesSent(path) < 40_000 || server.inFlight(path) != 1) {
                    return false;
                }
            }
            return true;
        }, "all 50 transfers in flight at once, with 40 KB each");
        long pid = bg.daemonPid();
        assertTrue(pid > 0, "no daemon.pid");
        long[] sentAtStop = new long[n];
        int[] requestsAtStop = new int[n];

        long t0 = System.nanoTime();
        Result stop = bg.run("daemon", "stop");
        assertEquals(0, stop.exit(), stop::describe);
        Poll.until(Duration.ofSeconds(3), () -> Bgfetch.isGone(pid), "daemon " + pid + " to exit after daemon stop");
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(tookMs < 8000, "daemon stop took " + tookMs + " ms");
        for (int i = 0; i < n; i++) {
            sentAtStop[i] = server.bytesSent("/g/" + i + ".bin");
            requestsAtStop[i] = server.requestCount("/g/" + i + ".bin");
        }
        Poll.until(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < n; i++) {
                if (server.inFlight("/g/" + i + ".bin") != 0) {
                    return false;
                }
            }
            return true;
        }, "every connection of the stopped daemon to be closed");
        Result ds = bg.run("daemon", "status");
        assertEquals(5, ds.exit(), () -> "daemon status after stop: " + ds.describe());

        Result st = bg.run("status", "grace", "--json"); // the next command starts the daemon again
        assertEquals(0, st.exit(), st::describe);
        Map<String, Object> s = bg.awaitDone("grace", Duration.ofSeconds(90));
        assertEquals("success", s.get("result"), s::toString);
        assertEquals(n, FaultToleranceIT.num(s, "completed"), s::toString);

        Result m = run(0, "match", "grace", "--json");
        List<Object> records = m.jsonArray();
        assertEquals(n, records.size());
        for (Object o : records) {
            @SuppressWarnings("unchecked")
            Map<String, Object> rec = (Map<String, Object>) o;
            Resource r = byUrl.get((String) rec.get("url"));
            assertNotNull(r, () -> "unknown record " + rec);
            assertEquals("done", rec.get("state"), rec::toString);
            assertEquals(r.sha256(), Sha256.hex(Path.of((String) rec.get("path"))), () -> "body of " + rec.get("url"));
        }
        for (int i = 0; i < n; i++) {
            String path = "/g/" + i + ".bin";
            if (sentAtStop[i] >= size) {
                continue; // finished before the stop
            }
            List<RequestLog> all = server.requests(path);
            assertTrue(all.size() > requestsAtStop[i], "no request for " + path + " after the restart");
            RequestLog resumed = all.get(requestsAtStop[i]);
            assertTrue(FaultToleranceIT.rangeStart(resumed) > 0,
                    () -> "a gracefully stopped transfer should resume, not restart: " + resumed);
            FaultToleranceIT.assertValidatorOf(byUrl.get(server.url(path)), resumed);
            long total = server.bytesSent(path);
            assertTrue(total < size + CHECKPOINT, "sent " + total + " for " + path);
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    private Result run(int expectedExit, String... args) {
        Result r = bg.run(args);
        assertEquals(expectedExit, r.exit(), () -> String.join(" ", args) + ": " + r.describe());
        return r;
    }

    private static long num(Map<String, Object> m, String key) {
        return FaultToleranceIT.num(m, key);
    }

}
