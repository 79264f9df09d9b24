package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code bgfetch wait} and {@code --progress plain}, through the launcher, in pipes. */
class WaitIT extends EndToEndTest {

    @Test
    void waitsForTwoFetchesAndFailsWhenOneFailsNamingBoth() {
        var good = server.add("/good.bin", 300_000).throttle(200_000);
        server.add("/missing.bin", 100).status(404);
        assertEquals(0, bg.run("fetch", "good", server.url("/good.bin")).exit());
        assertEquals(0, bg.run("fetch", "bad", server.url("/missing.bin")).exit());

        Result w = bg.run("wait", "good", "bad");

        assertEquals(1, w.exit(), w::describe);
        assertEquals("", w.out(), "nothing on stdout without --json");
        assertTrue(w.stderr().contains("bgfetch: fetch 'bad' failed: bad-status (HTTP 404"), w::describe);
        assertTrue(w.stderr().contains("bgfetch: 1 of 2 fetches failed ('bad'); succeeded: 'good'"), w::describe);
        assertFalse(w.stderr().contains("\u001B"), "no escapes in a pipe: " + w.describe());
        // it waited: the good fetch is complete, its body whole
        Map<String, Object> s = bg.status("good");
        assertEquals("success", s.get("result"), s::toString);
        assertEquals(good.sha256(), Sha256.hex(bg.run("match", "good", server.url("/good.bin")).stdoutBytes()));

        Result json = bg.run("wait", "good", "bad", "--json");
        assertEquals(1, json.exit(), json::describe);
        List<Object> regs = json.jsonArray();
        assertEquals(2, regs.size(), json::describe);
        assertEquals("good", field(regs.get(0), "id"));
        assertEquals("success", field(regs.get(0), "result"));
        assertEquals("bad", field(regs.get(1), "id"));
        assertEquals("failure", field(regs.get(1), "result"));
        assertEquals("bad-status", field(regs.get(1), "failureReason"));
        assertEquals("done", field(regs.get(1), "state"));
    }

    @Test
    void withoutIdsWaitsForEveryActiveFetch() {
        server.add("/a.bin", 200_000).throttle(100_000);
        server.add("/b.bin", 100_000).throttle(100_000);
        assertEquals(0, bg.run("fetch", "a", server.url("/a.bin")).exit());
        assertEquals(0, bg.run("fetch", "b", server.url("/b.bin")).exit());

        Result w = bg.run("wait", "--json");

        assertEquals(0, w.exit(), w::describe);
        assertEquals("", w.stderr(), "quiet on success in a pipe: " + w.describe());
        List<Object> regs = w.jsonArray();
        assertEquals(2, regs.size(), w::describe);
        for (Object r : regs) {
            assertEquals("done", field(r, "state"), w::describe);
            assertEquals("success", field(r, "result"), w::describe);
        }
        Result none = bg.run("wait", "--json");
        assertEquals(0, none.exit(), none::describe);
        assertEquals(List.of(), none.jsonArray(), "nothing active: nothing to wait for");
    }

    @Test
    void anUnknownIdExitsThree() {
        server.add("/k.bin", 1_000);
        assertEquals(0, bg.run("fetch", "--wait", "known", server.url("/k.bin")).exit());
        CliContractIT.assertOneErrorLine(bg.run("wait", "nope"), 3, "wait nope");
        CliContractIT.assertOneErrorLine(bg.run("wait", "known", "nope"), 3, "wait known nope");
        CliContractIT.assertOneErrorLine(bg.run("wait", "--timeout", "soon", "known"), 2, "wait --timeout soon");
        Result finished = bg.run("wait", "known");
        assertEquals(0, finished.exit(), "a finished fetch is waited for at once: " + finished.describe());
    }

    @Test
    void aTimeoutExitsOneAndLeavesTheFetchRunning() {
        server.add("/slow.bin", 2_000_000).throttle(40_000); // ~50 s
        assertEquals(0, bg.run("fetch", "slow", server.url("/slow.bin")).exit());

        long start = System.nanoTime();
        Result w = bg.run("wait", "--timeout", "1500ms", "slow");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(1, w.exit(), w::describe);
        assertTrue(w.stderr().contains("bgfetch: timed out after 1500ms waiting for 'slow'"), w::describe);
        assertTrue(took.toSeconds() < 20, "returned soon after the timeout: " + took);
        Map<String, Object> s = bg.status("slow");
        assertFalse("done".equals(s.get("state")), "the fetch goes on: " + s);
        assertEquals(0, bg.run("abort", "slow").exit());
    }

    @Test
    void plainProgressOnAPipeIsALineEveryFewSecondsWithPercentRateAndEta() {
        server.add("/steady.bin", 700_000).throttle(100_000); // ~7 s: at least two progress lines

        Result f = bg.run("fetch", "--wait", "--progress", "plain", "steady", server.url("/steady.bin"));

        assertEquals(0, f.exit(), f::describe);
        assertEquals("", f.out(), f::describe);
        assertFalse(f.stderr().contains("\u001B"), "no escapes: " + f.describe());
        Pattern progress = Pattern.compile(
                "(?m)^bgfetch: steady active ([\\d.]+ \\w+)/683\\.6 KiB (\\d+)% [\\d.]+ \\w+/s ETA \\S+$");
        Matcher m = progress.matcher(f.stderr());
        int withPercent = 0;
        while (m.find()) {
            int pct = Integer.parseInt(m.group(2));
            assertTrue(pct >= 0 && pct < 100, m.group());
            withPercent++;
        }
        assertTrue(withPercent >= 1, "a line with percent, bytes, rate and ETA (no --download-total): " + f.describe());
        long lines = f.stderr().lines().filter(l -> l.startsWith("bgfetch: steady ")).count();
        assertTrue(lines >= 2 && lines <= 6, "a line every few seconds, not a flood: " + f.describe());
        assertTrue(f.stderr().strip().lines().reduce((a, b) -> b).orElse("")
                .matches("bgfetch: fetch 'steady' done: 683\\.6 KiB in \\S+ \\(.*/s\\), 1 request"), f::describe);

        // the default in a pipe: no progress at all
        Result auto = bg.run("wait", "steady");
        assertEquals(0, auto.exit(), auto::describe);
        assertEquals("", auto.stderr(), auto::describe);
    }

    static Object field(Object registration, String name) {
        return ((Map<?, ?>) registration).get(name);
    }
}
