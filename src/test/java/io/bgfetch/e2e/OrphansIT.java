package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Poll;
import io.bgfetch.testing.RequestLog;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What no registered fetch uses is removed when the daemon starts; what one uses stays, byte for byte. */
class OrphansIT extends EndToEndTest {

    @Test
    void orphansGoAtStartAndRegisteredFetchesKeepEveryFile() throws Exception {
        Path dest = Files.createDirectory(tmp.resolve("dest"));
        Resource done = server.add("/done.bin", 100_000);
        Result d = bg.run("fetch", "--wait", "--dest", dest.toString(), "done-one", server.url("/done.bin"));
        assertEquals(0, d.exit(), d::describe);

        // A fetch in the middle of things: its upload copy and part of its body are in the store.
        Resource slow = server.add("/slow-post", 3_000_000).throttle(100_000);
        byte[] payload = new byte[40_000];
        Arrays.fill(payload, (byte) 'p');
        Path upload = Files.write(tmp.resolve("payload.bin"), payload);
        Result p = bg.run("fetch", "-X", "POST", "--upload", upload.toString(), "paused-one", server.url("/slow-post"));
        assertEquals(0, p.exit(), p::describe);
        Poll.until(Duration.ofSeconds(20), () -> server.bytesSent("/slow-post") > 100_000, "the body to flow");
        assertEquals(0, bg.run("pause", "paused-one").exit());
        Files.delete(upload); // from now on only the daemon's copy exists
        // A --dest fetch in the middle of things: its body arrives in a part file in DIR.
        Resource slowDest = server.add("/slow-dest.bin", 2_000_000).throttle(100_000);
        assertEquals(0, bg.run("fetch", "--dest", dest.toString(), "paused-dest", server.url("/slow-dest.bin")).exit());
        Poll.until(Duration.ofSeconds(20), () -> server.bytesSent("/slow-dest.bin") > 100_000, "the --dest body to flow");
        assertEquals(0, bg.run("pause", "paused-dest").exit());
        assertEquals(0, bg.run("daemon", "stop").exit());

        Path store = bg.home().resolve("store");
        Map<Path, String> registered = contents(store);
        assertTrue(registered.keySet().stream().anyMatch(f -> f.startsWith("incoming")), "an upload copy: " + registered.keySet());
        assertTrue(registered.size() >= 2, "a body and an upload copy (the --dest bodies are not in the store): "
                + registered.keySet());
        Map<Path, String> partFiles = contents(dest);
        partFiles.remove(Path.of("done.bin"));
        assertEquals(1, partFiles.size(), "the paused --dest fetch's part file: " + partFiles);
        String livePart = partFiles.keySet().iterator().next().toString();
        Matcher partName = Pattern.compile("\\.bgfetch-([0-9]+)-0-([0-9a-f]{8})([0-9a-f]{8})\\.part").matcher(livePart);
        assertTrue(partName.matches(), livePart);
        String homeTag = partName.group(2);
        Path doneDir = store.resolve(registered.keySet().stream().filter(f -> !f.startsWith("incoming"))
                .findFirst().orElseThrow().getName(0));

        List<Path> orphans = List.of(
                write(store.resolve("9999").resolve("0.body")),
                write(store.resolve("incoming").resolve("0a1b2c3d-stale.upload")),
                write(store.resolve(".bgfetch-1-0.tmp")),
                write(doneDir.resolve(".bgfetch-2-0.tmp")),
                write(dest.resolve(".bgfetch-" + deadPid() + "-0.tmp")),
                write(dest.resolve(".bgfetch-9999-0-" + homeTag + "deadbeef.part")));
        Path anotherHomesPart = write(dest.resolve(".bgfetch-9999-0-" + (homeTag.equals("00000000") ? "11111111" : "00000000")
                + "deadbeef.part"));
        Path placed = dest.resolve("done.bin");
        String placedSha = Sha256.hex(Files.readAllBytes(placed));

        assertEquals(0, bg.run("daemon", "start").exit());

        for (Path o : orphans) {
            assertFalse(Files.exists(o), "removed at start: " + o);
        }
        assertFalse(Files.exists(store.resolve("9999")), "the orphan directory itself is gone");
        assertEquals(registered, contents(store), "every file of the registered fetches is intact");
        assertEquals(placedSha, Sha256.hex(Files.readAllBytes(placed)), "the placed file is untouched");
        assertTrue(Files.exists(dest.resolve(livePart)), "the paused --dest fetch's part file stays");
        assertTrue(Files.exists(anotherHomesPart), "another home's part file is never touched");
        assertTrue(Files.readString(bg.home().resolve("daemon.log")).contains("removed 6 orphan(s) no fetch uses"));

        // And they still work: the done one matches, the paused one resumes with its upload.
        Result m = bg.run("match", "done-one", server.url("/done.bin"));
        assertEquals(done.sha256(), Sha256.hex(m.stdoutBytes()));
        slow.throttle(0);
        assertEquals(0, bg.run("resume", "paused-one").exit());
        Map<String, Object> st = bg.awaitDone("paused-one", Duration.ofSeconds(60));
        assertEquals("success", st.get("result"), st::toString);
        List<RequestLog> posts = server.requests("/slow-post");
        RequestLog last = posts.get(posts.size() - 1);
        assertEquals("POST", last.method());
        assertTrue(Arrays.equals(payload, last.body()), "the resumed POST carried the kept upload copy");
        Result mp = bg.run("match", "paused-one", server.url("/slow-post"));
        assertEquals(slow.sha256(), Sha256.hex(mp.stdoutBytes()));
        slowDest.throttle(0);
        assertEquals(0, bg.run("resume", "paused-dest").exit());
        Map<String, Object> sd = bg.awaitDone("paused-dest", Duration.ofSeconds(60));
        assertEquals("success", sd.get("result"), sd::toString);
        assertEquals(slowDest.sha256(), Sha256.hex(Files.readAllBytes(dest.resolve("slow-dest.bin"))));
        assertFalse(Files.exists(dest.resolve(livePart)), "renamed into place");
    }

    /** Every regular file under {@code dir} (relative path) with its SHA-256. */
    static Map<Path, String> contents(Path dir) throws Exception {
        Map<Path, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                out.put(dir.relativize(f), Sha256.hex(Files.readAllBytes(f)));
            }
        }
        return out;
    }

    static Path write(Path p) throws Exception {
        Files.createDirectories(p.getParent());
        return Files.writeString(p, "orphan");
    }

    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
