package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The live display on a real pseudo-terminal: the launcher runs under {@code script} (util-linux),
 * which gives it a pty as stdout and stderr and copies what it draws to our pipe.
 */
class TerminalProgressIT extends EndToEndTest {

    private static final Pattern ESCAPES = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");

    @Test
    void fetchWaitShowsPercentAndEtaWithoutADownloadTotal() {
        server.add("/a.bin", 400_000).throttle(100_000); // ~4 s
        server.add("/b.bin", 300_000).throttle(100_000);
        bg.env("COLUMNS", "100");
        String command = quote(bg.launcher().toString()) + " fetch --wait pty "
                + quote(server.url("/a.bin")) + " " + quote(server.url("/b.bin"));

        Process p = bg.startCommand(List.of("script", "-qefc", command, "/dev/null"));
        // While it runs, note whether the daemon reports the transfers in flight (per-transfer lines).
        List<Object> transfersSeen = new ArrayList<>();
        Poll.until(Duration.ofSeconds(60), () -> {
            Result s = bg.run("status", "pty", "--json");
            if (s.exit() != 0) {
                return false; // not registered yet
            }
            Map<String, Object> reg = s.json();
            if (reg.get("transfers") instanceof List<?> l && !l.isEmpty()) {
                transfersSeen.addAll(l);
            }
            return "done".equals(reg.get("state"));
        }, "fetch 'pty' to end");
        Result r = bg.finish(p, Duration.ofSeconds(30));

        assertEquals(0, r.exit(), r::describe);
        String screen = r.out();
        assertTrue(screen.contains("\u001B[1A") || screen.contains("\u001B[2A") || screen.contains("\u001B[3A"),
                "the display redraws in place: " + screen);
        String visible = ESCAPES.matcher(screen).replaceAll("").replace("\r", "");
        Matcher running = Pattern.compile("(?m)^pty +\\[[#.]+\\] +[\\d.]+ \\w+/683\\.6 KiB +([1-9]\\d?)% +[\\d.]+ \\w+/s +ETA \\d")
                .matcher(visible);
        assertTrue(running.find(), "a frame with a percent of the announced sizes and an ETA: " + visible);
        assertTrue(Pattern.compile("(?m)^pty +\\[#+\\] +683\\.6 KiB/683\\.6 KiB +100% +done$").matcher(visible).find(),
                visible);
        String lastLine = visible.strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(lastLine.matches("bgfetch: fetch 'pty' done: 683\\.6 KiB in \\S+ \\(.*/s\\), 2 requests"), visible);
        if (!transfersSeen.isEmpty()) {
            // the daemon reports transfers: the display shows them under the fetch
            assertTrue(Pattern.compile("(?m)^  [ab]\\.bin +\\[[#.]+\\] +[\\d.]+ \\w+/\\S+ \\w+ +\\d+% +[\\d.]+ \\w+/s$")
                    .matcher(visible).find(), "a line per transfer in flight: " + visible);
        }
    }

    @Test
    void headersFromTheServerCannotDriveTheTerminal() {
        server.add("/evil.bin", 100).header("X-Evil", "\u001B]0;owned\u0007\u001B[2Jred");
        assertEquals(0, bg.run("fetch", "--wait", "evil", server.url("/evil.bin")).exit());

        Result m = bg.run("match", "--headers", "evil", server.url("/evil.bin"));

        assertEquals(0, m.exit(), m::describe);
        assertEquals(100, m.stdoutBytes().length, "the body, untouched, on stdout");
        assertTrue(m.stderr().startsWith("HTTP/1.1 200"), m::describe);
        assertTrue(m.stderr().contains("x-evil: red\n"), "the header, its escapes removed: " + m.describe());
        assertFalse(m.stderr().contains("\u001B"), "no escape from the server reaches stderr: " + m.describe());
        assertFalse(m.stderr().contains("owned"), m::describe);
        Result json = bg.run("match", "--json", "evil", server.url("/evil.bin"));
        assertEquals("red", ((java.util.Map<?, ?>) json.json().get("headers")).get("x-evil"),
                "the value was cleaned before it was stored, so JSON readers never get the escapes either");
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
