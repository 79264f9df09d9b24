package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Bgfetch;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.RequestLog;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The daemon dies by SIGKILL mid-transfer; the next command starts a new one, which resumes
 * the partial bodies from their last checkpoint (not from zero) and stores them exactly.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CrashResumeIT extends EndToEndTest {

    private static final int MIB = 1024 * 1024;

    @Test
    void sigkillMidBodyResumesFromTheLastCheckpoint() {
        long checkpoint = 4L * MIB;
        bg.env("BGFETCH_CHECKPOINT_BYTES", "4MiB")
                .env("BGFETCH_BACKOFF_BASE", "100ms")
                .env("BGFETCH_BACKOFF_MAX", "1s");
        int size = 64 * MIB;
        Resource r = server.add("/big.bin", size).throttle(4L * MIB); // ~16 s
        String url = server.url("/big.bin");

        Result f = bg.run("fetch", "crash", url);
        assertEquals(0, f.exit(), f::describe);
        long[] seen = new long[1];
        Poll.until(Duration.ofSeconds(60), () -> {
            seen[0] = num(bg.status("crash"), "downloaded");
            return seen[0] >= 16L * MIB;
        }, "16 MiB downloaded");
        long oldPid = bg.daemonPid();
        assertTrue(oldPid > 0, "no daemon.pid while a fetch runs");
        bg.killDaemon();
        int requestsBeforeKill = server.requestCount("/big.bin");

        Result st = bg.run("status", "crash", "--json"); // any command brings the daemon back
        assertEquals(0, st.exit(), st::describe);
        assertNotEquals("done", st.json().get("state"), "cannot be done yet");
        bg.awaitNewDaemon(oldPid);

        Map<String, Object> s = bg.awaitDone("crash", Duration.ofSeconds(120));
        assertEquals("success", s.get("result"), s::toString);
        assertEquals(size, num(s, "downloaded"), s::toString);

        Result p = bg.run("match", "crash", url, "--path");
        assertEquals(0, p.exit(), p::describe);
        Path stored = Path.of(p.out().trim());
        assertTrue(Files.isRegularFile(stored), () -> "no file at " + stored);
        assertEquals(r.sha256(), Sha256.hex(stored), "stored body differs from the resource");

        List<RequestLog> all = server.requests("/big.bin");
        assertTrue(all.size() > requestsBeforeKill, "no request after the restart");
        RequestLog resume = all.get(requestsBeforeKill);
        long start = FaultToleranceIT.rangeStart(resume);
        long floor = seen[0] - checkpoint;
        assertTrue(start >= floor, () -> "the new daemon should resume from at least " + floor + " (" + seen[0]
                + " downloaded before the kill, checkpoint " + checkpoint + "): " + resume);
        FaultToleranceIT.assertValidatorOf(r, resume);
        assertEquals(206, resume.status());
        long sent = server.bytesSent("/big.bin");
        assertTrue(sent <= size + 2 * checkpoint, "resumed, not restarted: server sent " + sent + " for " + size);
    }

    /**
     * The bound the README states, with the default tuning (progress with a checksum every
     * 4 MiB, fsync every 5 s or 1 GiB): a SIGKILL half way through a 256 MiB body costs at
     * most a few MiB, because the page cache keeps what was written and the checksums prove it.
     */
    @Test
    void sigkillAtHalfOfA256MiBBodyDownloadsAtMostAFewMiBAgain() {
        bg.env("BGFETCH_BACKOFF_BASE", "100ms").env("BGFETCH_BACKOFF_MAX", "1s");
        int size = 256 * MIB;
        Resource r = server.add("/half.bin", size).throttle(40L * MIB); // ~6.5 s
        String url = server.url("/half.bin");

        Result f = bg.run("fetch", "half", url);
        assertEquals(0, f.exit(), f::describe);
        long[] seen = new long[1];
        Poll.until(Duration.ofSeconds(60), () -> {
            seen[0] = num(bg.status("half"), "downloaded");
            return seen[0] >= size / 2;
        }, "half the body downloaded");
        long oldPid = bg.daemonPid();
        bg.killDaemon();
        int requestsBeforeKill = server.requestCount("/half.bin");

        Result st = bg.run("status", "half", "--json");
        assertEquals(0, st.exit(), st::describe);
        bg.awaitNewDaemon(oldPid);
        Map<String, Object> s = bg.awaitDone("half", Duration.ofSeconds(120));
        assertEquals("success", s.get("result"), s::toString);

        Result p = bg.run("match", "half", url, "--path");
        assertEquals(0, p.exit(), p::describe);
        assertEquals(r.sha256(), Sha256.hex(Path.of(p.out().trim())), "stored body differs from the resource");

        List<RequestLog> all = server.requests("/half.bin");
        RequestLog resume = all.get(requestsBeforeKill);
        long start = FaultToleranceIT.rangeStart(resume);
        long floor = seen[0] - 4L * MIB - 256 * 1024; // one block being filled, one buffer not yet written
        assertTrue(start >= floor, () -> "resumed from " + start + " after " + seen[0] + " had arrived: more than"
                + " a block was lost");
        FaultToleranceIT.assertValidatorOf(r, resume);
        long again = server.bytesSent("/half.bin") - size;
        System.out.println("CrashResumeIT: a SIGKILL at " + seen[0] + " of " + size + " bytes cost " + again
                + " bytes sent again (resumed at " + start + ")");
        assertTrue(again <= 8L * MIB, "at most a few MiB downloaded again, not " + again);
    }

    @Test
    void manyFilesSurviveTenRandomKills() {
        long checkpoint = 512 * 1024;
        bg.env("BGFETCH_CHECKPOINT_BYTES", "512KiB")
                .env("BGFETCH_BACKOFF_BASE", "100ms")
                .env("BGFETCH_BACKOFF_MAX", "1s");
        int files = 20;
        int size = 3_000_000;
        int jobs = 4;
        Map<String, Resource> byUrl = new HashMap<>();
        List<String> args = new ArrayList<>(List.of("fetch", "-j", Integer.toString(jobs), "many"));
        for (int i = 0; i < files; i++) {
            String path = "/many/f" + i + ".bin";
            Resource r = server.add(path, size).throttle(500_000); // 4 at once: ~30 s of transfer in all
            byUrl.put(server.url(path), r);
            args.add(server.url(path));
        }
        Result f = bg.run(args.toArray(String[]::new));
        assertEquals(0, f.exit(), f::describe);

        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        int kills = 0;
        for (int i = 0; i < 10; i++) {
            Poll.until(Duration.ofSeconds(20), () -> bg.daemonPid() > 0 && !Bgfetch.isGone(bg.daemonPid()), "a running daemon");
            Poll.sleep(200 + rnd.nextInt(1300)); // a random moment (not an assertion)
            if ("done".equals(bg.status("many").get("state"))) {
                break;
            }
            bg.killDaemon();
            kills++;
            int k = kills;
            Result st = bg.run("status");
            assertEquals(0, st.exit(), () -> "status after kill " + k + ": " + st.describe());
        }
        final int killCount = kills;
        System.out.println("CrashResumeIT: killed the daemon " + killCount + " times (seed " + seed + ")");
        assertEquals(10, killCount, "the fetch ended after only " + killCount + " kills; seed " + seed);

        Map<String, Object> s = bg.awaitDone("many", Duration.ofSeconds(120));
        assertEquals("success", s.get("result"), () -> s + " (seed " + seed + ")");
        assertEquals(files, num(s, "completed"), s::toString);

        Result m = bg.run("match", "many", "--json");
        assertEquals(0, m.exit(), m::describe);
        List<Object> records = m.jsonArray();
        assertEquals(files, records.size(), m::describe);
        for (Object o : records) {
            @SuppressWarnings("unchecked")
            Map<String, Object> rec = (Map<String, Object>) o;
            Resource r = byUrl.get((String) rec.get("url"));
            assertNotNull(r, () -> "unknown record " + rec);
            assertEquals("done", rec.get("state"), rec::toString);
            Path p = Path.of((String) rec.get("path"));
            assertEquals(r.sha256(), Sha256.hex(p), () -> "body of " + rec.get("url") + " differs (seed " + seed + ")");
        }
        for (String url : List.of(server.url("/many/f0.bin"), server.url("/many/f19.bin"))) {
            Result body = bg.run("match", "many", url);
            assertEquals(0, body.exit(), body::describe);
            assertEquals(byUrl.get(url).sha256(), Sha256.hex(body.stdoutBytes()));
        }

        long total = 0;
        for (int i = 0; i < files; i++) {
            total += server.bytesSent("/many/f" + i + ".bin");
        }
        long bound = (long) files * size + (long) killCount * jobs * 2 * checkpoint;
        assertTrue(total <= bound, "server sent " + total + " bytes for " + files * size
                + " after " + killCount + " kills: more than a checkpoint per connection per kill was lost");
    }

    // ---- helpers ------------------------------------------------------------------------

    private static long num(Map<String, Object> m, String key) {
        return FaultToleranceIT.num(m, key);
    }

}
