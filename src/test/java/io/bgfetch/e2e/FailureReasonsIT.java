package io.bgfetch.e2e;

import static io.bgfetch.e2e.FetchBasicsIT.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** How fetches fail: bad-status, download-total-exceeded, aborted; and rm. */
class FailureReasonsIT extends EndToEndTest {

    @Test
    void badStatusFailsTheFetchButKeepsTheGoodRecords() {
        Resource a = server.add("/a.bin", 20_000);
        Resource b = server.add("/b.bin", 30_000);
        server.add("/missing.bin", 100).status(404);
        String missing = server.url("/missing.bin");

        Result f = bg.run("fetch", "--wait", "with404", server.url("/a.bin"), missing, server.url("/b.bin"));
        assertEquals(1, f.exit(), f::describe);
        assertTrue(f.stderr().contains("bad-status"), () -> "stderr names the reason: " + f.describe());
        assertFalse(f.stderr().contains("\tat "), f::describe);

        Map<String, Object> st = bg.status("with404");
        assertEquals("done", st.get("state"));
        assertEquals("failure", st.get("result"));
        assertEquals("bad-status", st.get("failureReason"));
        assertEquals(3L, num(st, "requests"));

        Result ma = bg.run("match", "with404", server.url("/a.bin"));
        assertEquals(0, ma.exit(), ma::describe);
        assertEquals(a.sha256(), Sha256.hex(ma.stdoutBytes()));
        Result mb = bg.run("match", "with404", server.url("/b.bin"));
        assertEquals(0, mb.exit(), mb::describe);
        assertEquals(b.sha256(), Sha256.hex(mb.stdoutBytes()));
        Result m404 = bg.run("match", "with404", missing);
        assertEquals(3, m404.exit(), m404::describe);
        assertEquals(0, m404.stdoutBytes().length, "nothing on stdout for the failed record");
        assertEquals(1, server.requestCount("/missing.bin"), "a 404 is not retried");

        List<Object> records = bg.run("match", "with404", "--json").jsonArray();
        Map<?, ?> failed = records.stream().map(o -> (Map<?, ?>) o)
                .filter(r -> missing.equals(r.get("url"))).findFirst().orElseThrow();
        assertEquals("failed", failed.get("state"));
        assertEquals(404L, ((Number) failed.get("status")).longValue());
    }

    @Test
    void downloadTotalExceededKeepsNothing() {
        server.add("/small.bin", 10_000);
        server.add("/big.bin", 1_000_000);
        List<String> urls = List.of(server.url("/small.bin"), server.url("/big.bin"));

        Result f = bg.run("fetch", "--wait", "--download-total", "100K", "over", urls.get(0), urls.get(1));
        assertEquals(1, f.exit(), f::describe);
        assertTrue(f.stderr().contains("download-total-exceeded"), f::describe);

        Map<String, Object> st = bg.status("over");
        assertEquals("done", st.get("state"));
        assertEquals("failure", st.get("result"));
        assertEquals("download-total-exceeded", st.get("failureReason"));
        assertEquals(102_400L, num(st, "downloadTotal"));
        for (String url : urls) {
            Result m = bg.run("match", "over", url);
            assertEquals(3, m.exit(), () -> url + ": " + m.describe());
            assertEquals(0, m.stdoutBytes().length);
        }
        Poll.until(Duration.ofSeconds(10), () -> bodyFiles().isEmpty(),
                "no body files left under store/ (now: " + bodyFiles() + ")");
    }

    @Test
    void abortDiscardsAndCannotBeRepeated() {
        server.add("/slow.bin", 1_000_000).throttle(50_000);
        String url = server.url("/slow.bin");
        Process waiter = bg.start("fetch", "--wait", "ab", url);

        Poll.until(Duration.ofSeconds(30), () -> {
            Result s = bg.run("status", "ab", "--json");
            return s.exit() == 0 && num(s.json(), "downloaded") > 0;
        }, "the fetch to be transferring");
        Result abort = bg.run("abort", "ab");
        assertEquals(0, abort.exit(), abort::describe);

        Result w = bg.finish(waiter, Duration.ofSeconds(30));
        assertEquals(1, w.exit(), () -> "fetch --wait of an aborted fetch: " + w.describe());
        assertTrue(w.stderr().contains("aborted"), w::describe);

        Map<String, Object> st = bg.awaitDone("ab", Duration.ofSeconds(10));
        assertEquals("failure", st.get("result"));
        assertEquals("aborted", st.get("failureReason"));
        Result m = bg.run("match", "ab", url);
        assertEquals(3, m.exit(), m::describe);
        assertEquals(0, m.stdoutBytes().length);
        Poll.until(Duration.ofSeconds(10), () -> bodyFiles().isEmpty(),
                "nothing of an aborted fetch is kept (now: " + bodyFiles() + ")");

        Result again = bg.run("abort", "ab");
        assertEquals(1, again.exit(), again::describe);
        assertTrue(again.stderr().startsWith("bgfetch: "), again::describe);
    }

    @Test
    void rmForgetsFinishedFetchesAndRefusesActiveOnes() throws Exception {
        server.add("/done.bin", 40_000);
        server.add("/slow.bin", 1_000_000).throttle(50_000);
        Result f = bg.run("fetch", "--wait", "finished", server.url("/done.bin"));
        assertEquals(0, f.exit(), f::describe);
        Result p = bg.run("match", "finished", server.url("/done.bin"), "--path");
        assertEquals(0, p.exit(), p::describe);
        Path stored = Path.of(p.out().strip());
        assertTrue(Files.exists(stored));

        Result a = bg.run("fetch", "running", server.url("/slow.bin"));
        assertEquals(0, a.exit(), a::describe);
        Result rmActive = bg.run("rm", "running");
        assertEquals(4, rmActive.exit(), rmActive::describe);
        assertTrue(rmActive.stderr().startsWith("bgfetch: "), rmActive::describe);
        assertEquals(0, bg.run("status", "running").exit(), "the active fetch is still there");

        Result rm = bg.run("rm", "finished");
        assertEquals(0, rm.exit(), rm::describe);
        Result gone = bg.run("status", "finished");
        assertEquals(3, gone.exit(), gone::describe);
        assertFalse(Files.exists(stored), "rm deleted the stored body " + stored);
        assertEquals(3, bg.run("match", "finished", server.url("/done.bin")).exit());
        assertEquals(List.of("running"), bg.run("list", "--all").out().lines().toList());

        assertEquals(0, bg.run("abort", "running").exit());
        Result rmAborted = bg.run("rm", "running");
        assertEquals(0, rmAborted.exit(), rmAborted::describe);
        assertEquals("", bg.run("list", "--all").out());
    }

    /** Regular files under $BGFETCH_HOME/store. */
    List<Path> bodyFiles() {
        Path store = bg.home().resolve("store");
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(Files::isRegularFile).collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            return List.of(store); // changing under our feet: look again
        }
    }
}
