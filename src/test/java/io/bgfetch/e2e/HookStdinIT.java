package io.bgfetch.e2e;

import static io.bgfetch.e2e.FetchBasicsIT.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A hook's standard input: the final registration and its records as one JSON document. */
class HookStdinIT extends EndToEndTest {
    private static final Duration HOOK_TIMEOUT = Duration.ofSeconds(20);

    /** A hook command that saves its stdin to {@code out}, appearing atomically when complete. */
    private static String saveStdin(Path out) {
        String o = out.toAbsolutePath().toString();
        assertFalse(o.contains("'"), o);
        return "cat > '" + o + ".tmp' && mv '" + o + ".tmp' '" + o + "'";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitJson(Path out) throws Exception {
        Poll.until(HOOK_TIMEOUT, () -> Files.exists(out), "the hook to save its stdin to " + out);
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\n") && text.indexOf('\n') == text.length() - 1, "one JSON document, one line");
        return (Map<String, Object>) JSON.std.anyFrom(text);
    }

    @Test
    @SuppressWarnings("unchecked")
    void onSuccessReadsTheRegistrationAndEveryRecord() throws Exception {
        Resource a = server.add("/a.bin", 10_000);
        Resource b = server.add("/b.bin", 20_000);
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        Path out = tmp.resolve("story.json");

        Result f = bg.run("fetch", "--wait", "--title", "Two files", "--dest", dest.toString(),
                "--on-success", saveStdin(out), "story", server.url("/a.bin"), server.url("/b.bin"));
        assertEquals(0, f.exit(), f::describe);

        Map<String, Object> doc = awaitJson(out);
        assertEquals(List.of("registration", "records"), List.copyOf(doc.keySet()));
        Map<String, Object> reg = (Map<String, Object>) doc.get("registration");
        assertEquals("story", reg.get("id"));
        assertEquals("Two files", reg.get("title"));
        assertEquals("done", reg.get("state"));
        assertEquals("success", reg.get("result"));
        assertEquals(30_000L, num(reg, "downloaded"));
        assertEquals(2L, num(reg, "requests"));
        assertEquals(2L, num(reg, "completed"));
        assertTrue(reg.get("finishedAt") instanceof String, reg::toString);
        assertEquals(FetchBasicsIT.REGISTRATION_FIELDS, List.copyOf(reg.keySet()).subList(0, 14),
                "the shape of status --json");

        List<Object> records = (List<Object>) doc.get("records");
        assertEquals(2, records.size());
        Map<String, Object> ra = (Map<String, Object>) records.get(0);
        Map<String, Object> rb = (Map<String, Object>) records.get(1);
        assertEquals(server.url("/a.bin"), ra.get("url"));
        assertEquals(server.url("/b.bin"), rb.get("url"));
        assertEquals("done", ra.get("state"));
        assertEquals(200L, num(ra, "status"));
        assertEquals((long) a.size(), num(ra, "size"));
        assertEquals((long) b.size(), num(rb, "size"));
        assertEquals(dest.resolve("a.bin").toString(), ra.get("destPath"), "the hook can act on each file");
        assertEquals(b.sha256(), io.bgfetch.testing.Sha256.hex(Path.of((String) rb.get("destPath"))));
        assertTrue(((Map<String, Object>) ra.get("headers")).containsKey("etag"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void onFailSeesWhichRecordFailedAndWhy() throws Exception {
        server.add("/ok.bin", 5_000);
        Path out = tmp.resolve("fail.json");

        Result f = bg.run("fetch", "--wait", "--on-fail", saveStdin(out), "failing", server.url("/ok.bin"),
                server.url("/missing.bin"));
        assertEquals(1, f.exit(), f::describe);

        Map<String, Object> doc = awaitJson(out);
        Map<String, Object> reg = (Map<String, Object>) doc.get("registration");
        assertEquals("failure", reg.get("result"));
        assertEquals("bad-status", reg.get("failureReason"));
        List<Object> records = (List<Object>) doc.get("records");
        Map<String, Object> missing = (Map<String, Object>) records.get(1);
        assertEquals("failed", missing.get("state"));
        assertEquals(404L, num(missing, "status"));
        assertEquals(0L, num(missing, "size"), "never negative");
        assertTrue(String.valueOf(missing.get("error")).contains("404"), missing::toString);
        assertEquals("done", ((Map<String, Object>) records.get(0)).get("state"));
    }

    @Test
    void aHookThatNeverReadsItsStdinDoesNotBlockTheDaemon() throws Exception {
        // Far more JSON than a pipe holds (64 KiB): big headers on many records.
        Path marker = tmp.resolve("ran");
        List<String> args = new java.util.ArrayList<>(List.of("fetch", "--wait", "-j", "8",
                "--on-success", "touch '" + marker + "'; exit 0", "no-reader"));
        for (int i = 0; i < 20; i++) {
            server.add("/pad" + i, 100).header("X-Pad", "p".repeat(8_000));
            args.add(server.url("/pad" + i));
        }

        Result f = bg.run(args.toArray(String[]::new));
        assertEquals(0, f.exit(), f::describe);
        Poll.until(HOOK_TIMEOUT, () -> Files.exists(marker), "the hook to run");
        Path log = bg.home().resolve("daemon.log");
        Poll.until(HOOK_TIMEOUT, () -> logContains(log, "fetch 'no-reader': hook exited with 0"),
                "the hook's exit to be noticed (it did not read its stdin)");

        // The daemon goes on: another fetch with a hook that does read works.
        server.add("/after.bin", 1_000);
        Path out = tmp.resolve("after.json");
        Result g = bg.run("fetch", "--wait", "--on-success", saveStdin(out), "after", server.url("/after.bin"));
        assertEquals(0, g.exit(), g::describe);
        assertEquals("after", ((Map<?, ?>) awaitJson(out).get("registration")).get("id"));
        assertEquals(0, bg.run("daemon", "status").exit());
    }

    private static boolean logContains(Path log, String text) {
        try {
            return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
