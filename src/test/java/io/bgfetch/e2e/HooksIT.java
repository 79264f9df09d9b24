package io.bgfetch.e2e;

import static io.bgfetch.e2e.FetchBasicsIT.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** --on-success, --on-fail and --on-abort run in the daemon with the contract's environment, never spliced. */
class HooksIT extends EndToEndTest {

    static final List<String> VARIABLES = List.of("BGFETCH_ID", "BGFETCH_RESULT", "BGFETCH_FAILURE_REASON",
            "BGFETCH_DOWNLOADED", "BGFETCH_DEST", "BGFETCH_HOME");
    static final Duration HOOK_TIMEOUT = Duration.ofSeconds(20);

    /** A hook that writes its whole environment (NUL-separated) to {@code out}, atomically. */
    static String hook(Path out) {
        String o = out.toAbsolutePath().toString();
        assertFalse(o.contains("'"), o);
        return "env -0 > '" + o + ".tmp' && mv '" + o + ".tmp' '" + o + "'";
    }

    /** The BGFETCH_* variables a hook saw, once its file appears. */
    static Map<String, String> awaitHookEnv(Path out) throws IOException {
        Poll.until(HOOK_TIMEOUT, () -> Files.exists(out), "the hook to write " + out);
        Map<String, String> env = new TreeMap<>();
        for (String entry : new String(Files.readAllBytes(out), StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0 && entry.startsWith("BGFETCH_")) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        assertTrue(env.keySet().containsAll(VARIABLES), "all six variables are set: " + env);
        return env;
    }

    @Test
    void onSuccessSeesTheContractEnvironment() throws Exception {
        server.add("/ok.bin", 20_000);
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        Path out = tmp.resolve("success.env");
        Result f = bg.run("fetch", "--wait", "--dest", dest.toString(), "--on-success", hook(out), "hook-ok",
                server.url("/ok.bin"));
        assertEquals(0, f.exit(), f::describe);

        Map<String, String> env = awaitHookEnv(out);
        assertEquals("hook-ok", env.get("BGFETCH_ID"));
        assertEquals("success", env.get("BGFETCH_RESULT"));
        assertEquals("", env.get("BGFETCH_FAILURE_REASON"));
        assertEquals("20000", env.get("BGFETCH_DOWNLOADED"));
        assertFalse(env.get("BGFETCH_DEST").isEmpty(), "BGFETCH_DEST is the --dest directory: " + env);
        assertEquals(dest.toRealPath(), Path.of(env.get("BGFETCH_DEST")).toRealPath());
        assertEquals(bg.home().toRealPath(), Path.of(env.get("BGFETCH_HOME")).toRealPath());
        assertTrue(Files.exists(dest.resolve("ok.bin")), "the file is in place");
    }

    @Test
    void onFailRunsForABadStatus() throws Exception {
        server.add("/gone.bin", 100).status(404);
        Path failOut = tmp.resolve("fail.env");
        Path successOut = tmp.resolve("success.env");
        Path abortOut = tmp.resolve("abort.env");
        Result f = bg.run("fetch", "--wait", "--on-fail", hook(failOut), "--on-success", hook(successOut),
                "--on-abort", hook(abortOut), "hook-fail", server.url("/gone.bin"));
        assertEquals(1, f.exit(), f::describe);

        Map<String, String> env = awaitHookEnv(failOut);
        assertEquals("hook-fail", env.get("BGFETCH_ID"));
        assertEquals("failure", env.get("BGFETCH_RESULT"));
        assertEquals("bad-status", env.get("BGFETCH_FAILURE_REASON"));
        assertTrue(env.get("BGFETCH_DOWNLOADED").matches("[0-9]+"), env::toString);
        assertEquals("", env.get("BGFETCH_DEST"), "no --dest given");
        assertEquals(bg.home().toRealPath(), Path.of(env.get("BGFETCH_HOME")).toRealPath());
        assertFalse(Files.exists(successOut), "--on-success did not run");
        assertFalse(Files.exists(abortOut), "--on-abort did not run");
    }

    @Test
    void onAbortRunsForAnAbort() throws Exception {
        server.add("/slow.bin", 1_000_000).throttle(50_000);
        Path abortOut = tmp.resolve("abort.env");
        Path failOut = tmp.resolve("fail.env");
        Result f = bg.run("fetch", "--on-abort", hook(abortOut), "--on-fail", hook(failOut), "hook-abort",
                server.url("/slow.bin"));
        assertEquals(0, f.exit(), f::describe);
        Poll.until(Duration.ofSeconds(30), () -> num(bg.status("hook-abort"), "downloaded") > 0,
                "the transfer to start");
        Result a = bg.run("abort", "hook-abort");
        assertEquals(0, a.exit(), a::describe);

        Map<String, String> env = awaitHookEnv(abortOut);
        assertEquals("hook-abort", env.get("BGFETCH_ID"));
        assertEquals("failure", env.get("BGFETCH_RESULT"));
        assertEquals("aborted", env.get("BGFETCH_FAILURE_REASON"));
        assertEquals("", env.get("BGFETCH_DEST"));
        assertFalse(Files.exists(failOut), "an abort fires --on-abort, not --on-fail");
    }

    @Test
    void idIsNeverSplicedIntoTheCommand() throws Exception {
        String tag = ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path pwned = Path.of("/tmp/pwned-" + tag);
        Path pwned2 = Path.of("/tmp/pwned2-" + tag);
        String id = "x; touch " + pwned + " #$(touch " + pwned2 + ") `touch " + pwned2 + "` '\"";
        try {
            server.add("/inj.bin", 1_000);
            Path out = tmp.resolve("inj.env");
            Path echoed = tmp.resolve("echoed.txt");
            String cmd = hook(out) + "; printf '%s' \"$BGFETCH_ID\" > '" + echoed + "'";
            Result f = bg.run("fetch", "--wait", "--on-success", cmd, id, server.url("/inj.bin"));
            assertEquals(0, f.exit(), f::describe);

            Map<String, String> env = awaitHookEnv(out);
            assertEquals(id, env.get("BGFETCH_ID"), "BGFETCH_ID round-trips exactly");
            Poll.until(HOOK_TIMEOUT, () -> Files.exists(echoed), "the hook to finish");
            assertEquals(id, Files.readString(echoed, StandardCharsets.UTF_8));
            assertFalse(Files.exists(pwned), "no injected command ran: " + pwned);
            assertFalse(Files.exists(pwned2), "no injected command substitution ran: " + pwned2);
        } finally {
            Files.deleteIfExists(pwned);
            Files.deleteIfExists(pwned2);
        }
    }
}
