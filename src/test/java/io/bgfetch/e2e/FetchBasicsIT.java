package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.RequestLog;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The happy paths a user tries first: one URL, a batch from a file or stdin, headers, uploads, big totals. */
class FetchBasicsIT extends EndToEndTest {

    /** Every field of a registration that the contract names. */
    static final List<String> REGISTRATION_FIELDS = List.of(
            "id", "title", "state", "result", "failureReason", "downloaded", "downloadTotal",
            "uploaded", "uploadTotal", "requests", "completed", "recordsAvailable", "createdAt", "finishedAt");

    @Test
    void singleUrlWaitThenMatchPathAndStatus() throws Exception {
        Resource r = server.add("/one.bin", 300_000);
        String url = server.url("/one.bin");

        Result f = bg.run("fetch", "--wait", "single", url);
        assertEquals(0, f.exit(), f::describe);

        Result m = bg.run("match", "single", url);
        assertEquals(0, m.exit(), m::describe);
        assertEquals(r.size(), m.stdoutBytes().length, "body length on stdout");
        assertEquals(r.sha256(), Sha256.hex(m.stdoutBytes()), "sha256 of match stdout");

        Result p = bg.run("match", "single", url, "--path");
        assertEquals(0, p.exit(), p::describe);
        Path stored = Path.of(p.out().strip());
        assertTrue(stored.isAbsolute(), "--path prints an absolute path: " + p.out());
        assertTrue(Files.isRegularFile(stored), "stored body exists: " + stored);
        assertTrue(stored.toRealPath().startsWith(bg.home().toRealPath().resolve("store")),
                "stored body lives under $BGFETCH_HOME/store: " + stored);
        assertEquals(r.sha256(), Sha256.hex(stored), "sha256 of the stored file");

        Map<String, Object> st = bg.status("single");
        assertTrue(st.keySet().containsAll(REGISTRATION_FIELDS), "contract fields present: " + st.keySet());
        assertEquals("single", st.get("id"));
        assertEquals("done", st.get("state"));
        assertEquals("success", st.get("result"));
        assertEquals("", st.get("failureReason"));
        assertEquals(300_000L, num(st, "downloaded"));
        assertEquals(0L, num(st, "downloadTotal"));
        assertEquals(0L, num(st, "uploaded"));
        assertEquals(0L, num(st, "uploadTotal"));
        assertEquals(1L, num(st, "requests"));
        assertEquals(1L, num(st, "completed"));
        assertEquals(Boolean.TRUE, st.get("recordsAvailable"));
        Instant created = Instant.parse((String) st.get("createdAt"));
        assertNotNull(st.get("finishedAt"), "finishedAt is set once done");
        Instant finished = Instant.parse((String) st.get("finishedAt"));
        assertFalse(finished.isBefore(created), "finishedAt " + finished + " >= createdAt " + created);
    }

    @Test
    void queuedLineWithoutWait() {
        server.add("/q1.bin", 1000);
        server.add("/q2.bin", 1000);
        Result f = bg.run("fetch", "q", server.url("/q1.bin"), server.url("/q2.bin"));
        assertEquals(0, f.exit(), f::describe);
        assertTrue((f.out() + f.stderr()).contains("queued q (2 requests)"), f::describe);
        Map<String, Object> st = bg.awaitDone("q", Duration.ofSeconds(30));
        assertEquals("success", st.get("result"), st::toString);
    }

    @Test
    void twoHundredUrlsFromInputFileIntoDest() throws Exception {
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        Map<String, String> expected = new LinkedHashMap<>(); // file name -> sha256
        StringBuilder input = new StringBuilder("# a batch of 200 files\n\n");
        for (int i = 0; i < 200; i++) {
            Resource r = server.add("/files/f" + i + ".dat", 1_000 + i * 37);
            String url = server.url("/files/f" + i + ".dat");
            String name;
            StringBuilder line = new StringBuilder(url);
            if (i % 2 == 0) {
                name = "custom-" + i + ".bin";
                line.append(" out=").append(name);
            } else {
                name = "f" + i + ".dat";
            }
            if (i % 10 == 3) {
                byte[] digest = HexFormat.of().parseHex(r.sha256());
                line.append(" integrity=sha256-").append(Base64.getEncoder().encodeToString(digest));
            } else {
                line.append(" sha256=").append(r.sha256());
            }
            expected.put(name, r.sha256());
            input.append(line).append('\n');
            if (i % 50 == 49) {
                input.append("\n   \n# comment after ").append(i).append('\n');
            }
        }
        Path list = tmp.resolve("list.txt");
        Files.writeString(list, input, StandardCharsets.UTF_8);

        Result f = bg.run("fetch", "--input", list.toString(), "--dest", dest.toString(), "--wait", "-j", "8",
                "batch");
        assertEquals(0, f.exit(), f::describe);

        Set<String> present;
        try (Stream<Path> s = Files.list(dest)) {
            present = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(new TreeSet<>(expected.keySet()), present,
                "exactly the 200 named files in --dest (no temporary files left)");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), Sha256.hex(dest.resolve(e.getKey())), "sha256 of " + e.getKey());
        }
        Map<String, Object> st = bg.status("batch");
        assertEquals("success", st.get("result"));
        assertEquals(200L, num(st, "requests"));
        assertEquals(200L, num(st, "completed"));
    }

    @Test
    void inputFromStdin() {
        Resource a = server.add("/in/a.bin", 5_000);
        Resource b = server.add("/in/b.bin", 7_000);
        String lines = "# from stdin\n" + server.url("/in/a.bin") + "\n\n" + server.url("/in/b.bin") + "\n";
        Result f = bg.runWithStdin(lines.getBytes(StandardCharsets.UTF_8), "fetch", "--input", "-", "--wait",
                "stdin-batch");
        assertEquals(0, f.exit(), f::describe);
        Result ma = bg.run("match", "stdin-batch", server.url("/in/a.bin"));
        assertEquals(0, ma.exit(), ma::describe);
        assertEquals(a.sha256(), Sha256.hex(ma.stdoutBytes()));
        Result mb = bg.run("match", "stdin-batch", server.url("/in/b.bin"));
        assertEquals(0, mb.exit(), mb::describe);
        assertEquals(b.sha256(), Sha256.hex(mb.stdoutBytes()));
        assertEquals(2L, num(bg.status("stdin-batch"), "requests"));
    }

    @Test
    void headerReachesTheServer() {
        server.add("/h.bin", 2_000);
        Result f = bg.run("fetch", "--wait", "-H", "X-Token: abc", "hdr", server.url("/h.bin"));
        assertEquals(0, f.exit(), f::describe);
        List<RequestLog> reqs = server.requests("/h.bin");
        assertFalse(reqs.isEmpty(), "the server saw the request");
        for (RequestLog req : reqs) {
            assertEquals("abc", req.header("x-token"), "X-Token on " + req);
        }
    }

    @Test
    void postUploadSendsTheBody() throws Exception {
        Resource r = server.add("/upload", 1_234);
        byte[] payload = new byte[50_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        Path file = tmp.resolve("payload.bin");
        Files.write(file, payload);

        Result f = bg.run("fetch", "--wait", "-X", "POST", "--upload", file.toString(), "up", server.url("/upload"));
        assertEquals(0, f.exit(), f::describe);

        List<RequestLog> posts = new ArrayList<>();
        for (RequestLog req : server.requests("/upload")) {
            if (req.method().equals("POST")) {
                posts.add(req);
            }
        }
        assertFalse(posts.isEmpty(), "a POST reached the server: " + server.requests("/upload"));
        assertTrue(posts.stream().anyMatch(req -> Arrays.equals(payload, req.body())),
                "the POST carried the file's bytes");

        Map<String, Object> st = bg.status("up");
        assertEquals("success", st.get("result"), st::toString);
        assertEquals(50_000L, num(st, "uploaded"));
        assertEquals(50_000L, num(st, "uploadTotal"));
        Result m = bg.run("match", "up", server.url("/upload"));
        assertEquals(0, m.exit(), m::describe);
        assertEquals(r.sha256(), Sha256.hex(m.stdoutBytes()), "the response body of the POST is stored");
    }

    @Test
    void downloadTotalOfFourGibibytesIsAccepted() {
        server.add("/small.bin", 10_000);
        Result f = bg.run("fetch", "--download-total", "4GiB", "--json", "big-total", server.url("/small.bin"));
        assertEquals(0, f.exit(), f::describe);
        Map<String, Object> reg = f.json();
        assertEquals("big-total", reg.get("id"));
        assertEquals(4_294_967_296L, num(reg, "downloadTotal"));
        Map<String, Object> st = bg.awaitDone("big-total", Duration.ofSeconds(30));
        assertEquals("success", st.get("result"), st::toString);
        assertEquals(4_294_967_296L, num(st, "downloadTotal"));

        Result g = bg.run("fetch", "--download-total", "3GB", "--json", "--wait", "three-gb",
                server.url("/small.bin"));
        assertEquals(0, g.exit(), g::describe);
        assertEquals(3_000_000_000L, num(g.json(), "downloadTotal"));
    }

    static long num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertTrue(v instanceof Number, key + " is a number in " + m);
        return ((Number) v).longValue();
    }
}
