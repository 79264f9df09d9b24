package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.jr.ob.JSON;
import io.bgfetch.testing.Result;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code status --watch --json}: NDJSON, one registration per line, ending when the fetches end. */
class WatchJsonIT extends EndToEndTest {

    @Test
    void linesParseAndTheStreamEndsWhenTheFetchesEnd() {
        server.add("/a.bin", 400_000).throttle(100_000); // ~4 s
        server.add("/b.bin", 100_000).throttle(100_000); // ~1 s
        assertEquals(0, bg.run("fetch", "a", server.url("/a.bin")).exit());
        assertEquals(0, bg.run("fetch", "b", server.url("/b.bin")).exit());

        long start = System.nanoTime();
        Process watch = bg.start("status", "--watch", "--json", "a", "b");
        Result r = bg.finish(watch, Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - start) / 1e9;

        assertEquals(0, r.exit(), r::describe);
        assertEquals("", r.stderr(), r::describe);
        List<Map<String, Object>> lines = parseLines(r);
        Map<String, List<Map<String, Object>>> byId = new LinkedHashMap<>();
        for (Map<String, Object> line : lines) {
            byId.computeIfAbsent((String) line.get("id"), k -> new ArrayList<>()).add(line);
        }
        assertEquals(List.of("a", "b"), List.copyOf(byId.keySet()), r::describe);
        for (Map.Entry<String, List<Map<String, Object>>> e : byId.entrySet()) {
            List<Map<String, Object>> seen = e.getValue();
            Map<String, Object> last = seen.get(seen.size() - 1);
            assertEquals("done", last.get("state"), () -> e.getKey() + " ends done: " + r.describe());
            assertEquals("success", last.get("result"), r::describe);
            assertEquals(1L, seen.stream().filter(l -> "done".equals(l.get("state"))).count(),
                    () -> e.getKey() + " is reported done once: " + r.describe());
            // a few lines per second per fetch at most
            assertTrue(seen.size() <= seconds * 3 + 3, () -> seen.size() + " lines in " + seconds + " s for " + e.getKey());
        }
        List<Map<String, Object>> a = byId.get("a");
        assertTrue(a.size() >= 2, "a was seen running, then done: " + r.describe());
        assertTrue(((Number) a.get(0).get("downloaded")).longValue() < 400_000, r::describe);
        assertEquals(400_000L, ((Number) a.get(a.size() - 1).get("downloaded")).longValue(), r::describe);
        // the stream ended with the last fetch: the final line is a's end, after b's
        assertEquals("a", lines.get(lines.size() - 1).get("id"), r::describe);
    }

    @Test
    void finishedFetchesAreOneLineEachAndUnknownIdsExitThree() {
        server.add("/c.bin", 1_000);
        assertEquals(0, bg.run("fetch", "--wait", "c", server.url("/c.bin")).exit());
        Result r = bg.run("status", "--watch", "--json", "c");
        assertEquals(0, r.exit(), r::describe);
        List<Map<String, Object>> lines = parseLines(r);
        assertEquals(1, lines.size(), r::describe);
        assertEquals("success", lines.get(0).get("result"));
        CliContractIT.assertOneErrorLine(bg.run("status", "--watch", "--json", "nope"), 3, "status --watch --json nope");
    }

    /** Every line of stdout is one JSON object (NDJSON). */
    static List<Map<String, Object>> parseLines(Result r) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : r.out().split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            try {
                out.add(JSON.std.mapFrom(line));
            } catch (IOException e) {
                fail("not a JSON object per line: '" + line + "' (" + e.getMessage() + "); " + r.describe());
            }
        }
        assertTrue(r.out().endsWith("\n"), r::describe);
        return out;
    }
}
