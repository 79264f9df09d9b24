package io.bgfetch.e2e;

import static io.bgfetch.e2e.FetchBasicsIT.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Through the launcher: once a fetch has ended, neither pause nor resume nor abort moves it
 * (exit 1) and its hook does not run again; an abort of a paused fetch ends it once. The races
 * themselves are played deterministically in-process (daemon.LifecycleRacesTest).
 */
class LifecycleIT extends EndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Hooks that append one letter per event: s (success), f (fail), a (abort). */
    private String[] hooks(Path events) {
        String to = " >> '" + events + "'";
        return new String[] {"--on-success", "printf s" + to, "--on-fail", "printf f" + to, "--on-abort", "printf a" + to};
    }

    private static String read(Path events) throws Exception {
        return Files.exists(events) ? Files.readString(events) : "";
    }

    private void refused(String command, String id, String words) {
        Result r = bg.run(command, id);
        assertEquals(1, r.exit(), r::describe);
        assertTrue(r.stderr().contains(words), r::describe);
    }

    @Test
    void aFinishedFetchIsNeitherPausedNorResumedNorAbortedAndItsHookRanOnce() throws Exception {
        server.add("/a.bin", 50_000);
        Path events = tmp.resolve("events");
        String[] args = concat(new String[] {"fetch", "--wait"}, hooks(events), new String[] {"done-1", server.url("/a.bin")});
        Result f = bg.run(args);
        assertEquals(0, f.exit(), f::describe);
        Poll.until(TIMEOUT, () -> "s".equals(readQuietly(events)), "--on-success to run");
        Map<String, Object> before = bg.status("done-1");

        refused("pause", "done-1", "is not active (success)");
        refused("resume", "done-1", "is not paused (success)");
        refused("abort", "done-1", "has already finished (success)");

        assertEquals(before, bg.status("done-1"), "nothing moved it");
        assertEquals("s", read(events));
    }

    @Test
    void anAbortOfAPausedFetchEndsItOnceAndItCannotBeResumed() throws Exception {
        server.add("/slow.bin", 2_000_000).throttle(100_000);
        Path events = tmp.resolve("events");
        Result f = bg.run(concat(new String[] {"fetch"}, hooks(events), new String[] {"paused-1", server.url("/slow.bin")}));
        assertEquals(0, f.exit(), f::describe);
        Poll.until(TIMEOUT, () -> num(bg.status("paused-1"), "downloaded") > 0, "the transfer to start");
        assertEquals(0, bg.run("pause", "paused-1").exit());
        refused("pause", "paused-1", "is not active (paused)");

        Result a = bg.run("abort", "paused-1");
        assertEquals(0, a.exit(), a::describe);

        Map<String, Object> status = bg.status("paused-1");
        assertEquals("done", status.get("state"));
        assertEquals("aborted", status.get("failureReason"));
        refused("resume", "paused-1", "is not paused (failure, aborted)");
        refused("abort", "paused-1", "has already finished");
        Poll.until(TIMEOUT, () -> "a".equals(readQuietly(events)), "--on-abort to run");
        assertEquals(0, num(bg.status("paused-1"), "downloaded"), "nothing of it is kept");
    }

    private static String readQuietly(Path events) {
        try {
            return read(events);
        } catch (Exception e) {
            return "";
        }
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
