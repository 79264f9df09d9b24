package io.bgfetch.e2e;

import static io.bgfetch.e2e.FetchBasicsIT.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.ChangingServer;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** match: streaming a body still arriving, -o, --headers, --ignore-search, matchAll. */
class MatchIT extends EndToEndTest {

    static final List<String> RECORD_FIELDS =
            List.of("url", "method", "state", "status", "headers", "size", "downloaded", "path");

    @Test
    void matchStreamsABodyStillArriving() throws Exception {
        Resource r = server.add("/stream.bin", 500_000).throttle(100_000);
        String url = server.url("/stream.bin");
        Result f = bg.run("fetch", "streaming", url);
        assertEquals(0, f.exit(), f::describe);

        AtomicReference<Map<String, Object>> last = new AtomicReference<>();
        Poll.until(Duration.ofSeconds(30), () -> {
            Map<String, Object> st = bg.status("streaming");
            last.set(st);
            return num(st, "downloaded") > 0;
        }, "the body to start arriving");
        assertNotEquals("done", last.get().get("state"), "the test needs the body still arriving");

        Result noWait = bg.run("match", "streaming", url, "--no-wait");
        Map<String, Object> afterNoWait = bg.status("streaming");
        assertNotEquals("done", afterNoWait.get("state"),
                "the body was still arriving when --no-wait ran (else this test proves nothing)");
        assertEquals(3, noWait.exit(), noWait::describe);
        assertEquals(0, noWait.stdoutBytes().length, "--no-wait prints nothing");

        // match on stdout (redirected to a file by a shell, as a user would), watched as it grows
        Path streamed = tmp.resolve("streamed.bin");
        Process m = bg.startCommand(List.of("bash", "-c", "o=$1; shift; exec \"$0\" \"$@\" > \"$o\"",
                bg.launcher().toString(), streamed.toString(), "match", "streaming", url));
        Poll.until(Duration.ofSeconds(30), () -> size(streamed) > 0 || !m.isAlive(),
                "match to write the first bytes");
        long first = size(streamed);
        assertTrue(first > 0 && first < r.size(),
                "match wrote part of the body (" + first + " of " + r.size() + " bytes) before it was complete");
        Result done = bg.finish(m, Duration.ofSeconds(60));
        assertEquals(0, done.exit(), done::describe);
        assertEquals(r.size(), Files.size(streamed), "the whole body was streamed");
        assertEquals(r.sha256(), Sha256.hex(streamed));
        assertEquals("success", bg.awaitDone("streaming", Duration.ofSeconds(10)).get("result"));

        Result again = bg.run("match", "streaming", url);
        assertEquals(0, again.exit(), again::describe);
        assertEquals(r.sha256(), Sha256.hex(again.stdoutBytes()));
    }

    /**
     * The body being followed starts again from zero on the server (a new ETag) after match has
     * written its first MiB: on stdout match stops with exit 1, having written only bytes of the
     * first version; with -o the file is written again and ends as the new version. Never a splice.
     */
    @Test
    void aBodyThatStartsAgainWhileFollowedIsNeverSpliced() throws Exception {
        bg.env("BGFETCH_BACKOFF_BASE", "50ms").env("BGFETCH_BACKOFF_MAX", "200ms");
        int mib = 1 << 20;
        byte[] first = new byte[2 * mib];
        new java.util.Random(1).nextBytes(first);
        byte[] second = new byte[3 * mib];
        new java.util.Random(2).nextBytes(second);
        try (ChangingServer changing = ChangingServer.start(first)) {
            String url = changing.url("/v.bin");
            ChangingServer.Hold hold = changing.holdAt(mib);
            Result f = bg.run("fetch", "changing", url);
            assertEquals(0, f.exit(), f::describe);
            hold.awaitReached(Duration.ofSeconds(30));
            Poll.until(Duration.ofSeconds(30), () -> num(bg.status("changing"), "downloaded") >= mib,
                    "the first MiB to be stored");

            Path streamed = tmp.resolve("stdout.bin");
            Process onStdout = bg.startCommand(List.of("bash", "-c", "o=$1; shift; exec \"$0\" \"$@\" > \"$o\"",
                    bg.launcher().toString(), streamed.toString(), "match", "changing", url));
            Path file = tmp.resolve("file.bin");
            Process toFile = bg.start("match", "changing", url, "-o", file.toString());
            Poll.until(Duration.ofSeconds(30), () -> size(streamed) == mib && size(file) == mib,
                    "both matches to write the first MiB");

            changing.change(second);
            hold.drop(); // the connection ends early; the resume finds a new version and starts from zero

            Result out = bg.finish(onStdout, Duration.ofSeconds(60));
            assertEquals(1, out.exit(), out::describe);
            assertTrue(out.stderr().contains("changed on the server and started again"), out::describe);
            byte[] written = Files.readAllBytes(streamed);
            assertTrue(written.length <= first.length
                    && Arrays.equals(written, Arrays.copyOf(first, written.length)),
                    "stdout got only bytes of the first version (" + written.length + " bytes)");

            Result o = bg.finish(toFile, Duration.ofSeconds(60));
            assertEquals(0, o.exit(), o::describe);
            assertTrue(o.stderr().contains("written again from its start"), o::describe);
            assertEquals(changing.current().sha256(), Sha256.hex(file), "-o ends as the new version, whole");

            Result json = bg.run("match", "changing", url, "--json");
            assertEquals(0, json.exit(), json::describe);
            assertEquals(2L, num(json.json(), "generation"), json::describe);
        }
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    @Test
    void outputFileAndHeaders() throws Exception {
        Resource r = server.add("/h.bin", 25_000).header("X-Custom", "yes-indeed");
        String url = server.url("/h.bin");
        assertEquals(0, bg.run("fetch", "--wait", "hd", url).exit());

        Path out = tmp.resolve("out.bin");
        Result o = bg.run("match", "hd", url, "-o", out.toString());
        assertEquals(0, o.exit(), o::describe);
        assertEquals(0, o.stdoutBytes().length, "-o writes nothing to stdout");
        assertEquals(r.sha256(), Sha256.hex(out));

        Result h = bg.run("match", "hd", url, "--headers");
        assertEquals(0, h.exit(), h::describe);
        assertEquals(r.sha256(), Sha256.hex(h.stdoutBytes()), "the body alone on stdout");
        String err = h.stderr();
        String lower = err.toLowerCase(Locale.ROOT);
        assertTrue(err.lines().findFirst().orElse("").matches("HTTP/\\S+ 200\\b.*"),
                "status line first on stderr: " + err);
        assertTrue(lower.contains("x-custom: yes-indeed"), "headers on stderr: " + err);
        assertTrue(lower.contains("content-length: 25000"), "headers on stderr: " + err);

        Result hj = bg.run("match", "hd", url, "--headers", "--json");
        assertEquals(0, hj.exit(), hj::describe);
        assertTrue(hj.json().toString().contains("yes-indeed"), "headers as one JSON document: " + hj.out());
    }

    @Test
    void ignoreSearch() {
        Resource r = server.add("/a.bin", 8_000);
        String fetched = server.url("/a.bin?x=1");
        String other = server.url("/a.bin?y=2");
        Result f = bg.run("fetch", "--wait", "qs", fetched);
        assertEquals(0, f.exit(), f::describe);

        Result plain = bg.run("match", "qs", other);
        assertEquals(3, plain.exit(), plain::describe);
        assertEquals(0, plain.stdoutBytes().length);
        Result ignoring = bg.run("match", "qs", other, "--ignore-search");
        assertEquals(0, ignoring.exit(), ignoring::describe);
        assertEquals(r.sha256(), Sha256.hex(ignoring.stdoutBytes()));
        Result exact = bg.run("match", "qs", fetched);
        assertEquals(0, exact.exit(), exact::describe);
        assertEquals(r.sha256(), Sha256.hex(exact.stdoutBytes()));
        Result bare = bg.run("match", "qs", server.url("/a.bin"), "--ignore-search");
        assertEquals(0, bare.exit(), bare::describe);
    }

    @Test
    void matchAllListsEveryRecord() throws Exception {
        Resource a = server.add("/all/a.bin", 11_000);
        Resource b = server.add("/all/b.bin", 22_000);
        Map<String, Resource> byUrl = new HashMap<>();
        byUrl.put(server.url("/all/a.bin"), a);
        byUrl.put(server.url("/all/b.bin"), b);
        Result f = bg.run("fetch", "--wait", "every", server.url("/all/a.bin"), server.url("/all/b.bin"));
        assertEquals(0, f.exit(), f::describe);

        Result text = bg.run("match", "every");
        assertEquals(0, text.exit(), text::describe);
        for (String url : byUrl.keySet()) {
            assertTrue(text.out().contains(url), "matchAll lists " + url + ":\n" + text.out());
        }
        assertTrue(text.out().contains("200"), text.out());
        Result withAll = bg.run("match", "every", "--all");
        assertEquals(0, withAll.exit(), withAll::describe);
        assertEquals(text.out(), withAll.out(), "--all is matchAll too");

        Result json = bg.run("match", "every", "--json");
        assertEquals(0, json.exit(), json::describe);
        List<Object> records = json.jsonArray();
        assertEquals(2, records.size(), records::toString);
        for (Object o : records) {
            @SuppressWarnings("unchecked")
            Map<String, Object> rec = (Map<String, Object>) o;
            assertTrue(rec.keySet().containsAll(RECORD_FIELDS), "record fields: " + rec.keySet());
            Resource res = byUrl.get(rec.get("url"));
            assertTrue(res != null, "a requested URL: " + rec);
            assertEquals("GET", rec.get("method"));
            assertEquals("done", rec.get("state"));
            assertEquals(200L, num(rec, "status"));
            assertTrue(rec.get("headers") instanceof Map, rec::toString);
            assertEquals((long) res.size(), num(rec, "size"));
            assertEquals((long) res.size(), num(rec, "downloaded"));
            Path path = Path.of((String) rec.get("path"));
            assertTrue(Files.isRegularFile(path), rec::toString);
            assertEquals(res.sha256(), Sha256.hex(path));
        }
    }
}
