package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * --dest writes each body once: it arrives in a hidden part file in DIR and is renamed into place;
 * the record then points at the placed file, which is the user's (rm leaves it, match says when it
 * changed); a fetch that does not succeed leaves no part file; fetches sharing DIR never mix.
 */
class DestWriteOnceIT extends EndToEndTest {

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private List<Path> storeFiles() throws IOException {
        Path store = bg.home().resolve("store");
        if (!Files.exists(store)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void theBodyArrivesInAPartFileAndIsRenamedIntoPlaceWithNoCopyInTheStore() throws Exception {
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        Resource slow = server.add("/video.bin", 1_500_000).throttle(300_000);
        String url = server.url("/video.bin");
        assertEquals(0, bg.run("fetch", "--dest", dest.toString(), "once", url).exit());

        Poll.until(Duration.ofSeconds(20), () -> server.bytesSent("/video.bin") > 200_000, "the body to flow");
        List<String> arriving = names(dest);
        assertEquals(1, arriving.size(), arriving.toString());
        assertTrue(arriving.get(0).matches("\\.bgfetch-[0-9]+-0-[0-9a-f]{16}\\.part"), "hidden, unique: " + arriving);
        Result path = bg.run("match", "--path", "--no-wait", "once", url);
        assertEquals(3, path.exit(), "still arriving: " + path.describe());
        Map<String, Object> rec = bg.run("match", "--json", "once", url).json();
        assertEquals(dest.resolve(arriving.get(0)).toString(), rec.get("path"), "the record's body is the part file");
        Object inode = Files.getAttribute(dest.resolve(arriving.get(0)), "unix:ino");

        slow.throttle(0);
        Map<String, Object> st = bg.awaitDone("once", Duration.ofSeconds(60));
        assertEquals("success", st.get("result"), st::toString);

        Path placed = dest.resolve("video.bin");
        assertEquals(List.of("video.bin"), names(dest), "no part file left");
        assertEquals(slow.sha256(), Sha256.hex(Files.readAllBytes(placed)));
        assertEquals(inode, Files.getAttribute(placed, "unix:ino"), "the part file renamed: the bytes were written once");
        assertEquals(List.of(), storeFiles(), "no second copy in the store");
        Result served = bg.run("match", "once", url);
        assertEquals(0, served.exit(), served::describe);
        assertEquals(slow.sha256(), Sha256.hex(served.stdoutBytes()), "match serves the placed file");
        assertEquals(placed.toString(), bg.run("match", "--path", "once", url).out().strip());

        Result rm = bg.run("rm", "once");
        assertEquals(0, rm.exit(), rm::describe);
        assertEquals(3, bg.run("status", "once").exit(), "forgotten");
        assertEquals(slow.sha256(), Sha256.hex(Files.readAllBytes(placed)), "rm leaves the user's placed file alone");
    }

    @Test
    void matchSaysSoWhenThePlacedFileWasChangedOrRemoved() throws Exception {
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        Resource r = server.add("/song.mp3", 40_000);
        String url = server.url("/song.mp3");
        Result fetched = bg.run("fetch", "--wait", "--dest", dest.toString(), "tune", url);
        assertEquals(0, fetched.exit(), fetched::describe);
        Path placed = dest.resolve("song.mp3");
        assertEquals(r.sha256(), Sha256.hex(bg.run("match", "tune", url).stdoutBytes()));

        Files.write(placed, "my own tags".getBytes(), java.nio.file.StandardOpenOption.APPEND);
        Result changed = bg.run("match", "tune", url);
        assertEquals(3, changed.exit(), changed::describe);
        assertEquals(0, changed.stdoutBytes().length, "nothing on stdout");
        assertTrue(changed.stderr().startsWith("bgfetch: ") && changed.stderr().contains(placed.toString())
                && changed.stderr().contains("changed"), changed.stderr());
        Map<String, Object> json = bg.run("match", "--json", "tune", url).json();
        assertNull(json.get("path"), "no body to give");
        assertEquals("done", json.get("state"));

        Files.delete(placed);
        Result removed = bg.run("match", "tune", url);
        assertEquals(3, removed.exit(), removed::describe);
        assertTrue(removed.stderr().contains("removed"), removed.stderr());
        assertEquals(3, bg.run("match", "--path", "tune", url).exit());
    }

    @Test
    void anAbortedOrFailedFetchLeavesNoPartFileAndItsCompleteBodiesStayMatchable() throws Exception {
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        server.add("/stuck.bin", 2_000_000).throttle(50_000);
        assertEquals(0, bg.run("fetch", "--dest", dest.toString(), "stuck", server.url("/stuck.bin")).exit());
        Poll.until(Duration.ofSeconds(20), () -> server.bytesSent("/stuck.bin") > 50_000, "the body to flow");
        assertEquals(1, names(dest).size());
        assertEquals(0, bg.run("abort", "stuck").exit());
        assertEquals(List.of(), names(dest), "aborted: its part file is gone");

        Resource good = server.add("/good.bin", 30_000);
        server.add("/missing.bin", 10).status(404);
        Result failed = bg.run("fetch", "--wait", "--dest", dest.toString(), "half", server.url("/good.bin"),
                server.url("/missing.bin"));
        assertEquals(1, failed.exit(), failed::describe);
        assertEquals(List.of(), names(dest), "failed: nothing placed, no part file left");
        Result m = bg.run("match", "half", server.url("/good.bin"));
        assertEquals(0, m.exit(), m::describe);
        assertEquals(good.sha256(), Sha256.hex(m.stdoutBytes()), "the record that succeeded stays matchable");
    }

    /**
     * Two fetches into one DIR, each held by the server at its last byte and released together,
     * so both place their files at the same moment: each gets its own bytes.
     */
    @Test
    void twoFetchesPlacingIntoOneDirectoryAtTheSameMomentEachGetTheirOwnBytes() throws Exception {
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        int files = 4;
        try (LastByteGate gate = new LastByteGate(2 * files, 200_000)) {
            String[] a = new String[files + 3];
            String[] b = new String[files + 3];
            a[0] = b[0] = "fetch";
            a[1] = b[1] = "--dest=" + dest;
            a[2] = "one";
            b[2] = "two";
            for (int i = 0; i < files; i++) {
                a[3 + i] = gate.url("/one/file" + i + "-one.bin");
                b[3 + i] = gate.url("/two/file" + i + "-two.bin");
            }
            assertEquals(0, bg.run(a).exit());
            assertEquals(0, bg.run(b).exit());
            assertTrue(gate.allHeld(Duration.ofSeconds(30)), "every body held at its last byte");
            assertEquals(2 * files, names(dest).stream().filter(n -> n.endsWith(".part")).distinct().count(),
                    "a part file of its own for every record of both fetches: " + names(dest));
            gate.releaseAll();

            assertEquals("success", bg.awaitDone("one", Duration.ofSeconds(60)).get("result"));
            assertEquals("success", bg.awaitDone("two", Duration.ofSeconds(60)).get("result"));
            for (int i = 0; i < files; i++) {
                for (String who : List.of("one", "two")) {
                    String name = "file" + i + "-" + who + ".bin";
                    assertEquals(gate.sha256("/" + who + "/" + name), Sha256.hex(Files.readAllBytes(dest.resolve(name))),
                            who + "'s " + name);
                }
            }
            assertEquals(2 * files, names(dest).size(), "no part file left: " + names(dest));
        }
    }

    /** Serves random bodies (one per path), holding each at its last byte until released. */
    private static final class LastByteGate implements AutoCloseable {
        private final HttpServer server;
        private final int size;
        private final CountDownLatch held;
        private final CountDownLatch release = new CountDownLatch(1);
        private final Map<String, byte[]> bodies = new java.util.concurrent.ConcurrentHashMap<>();

        LastByteGate(int expected, int size) throws IOException {
            this.size = size;
            this.held = new CountDownLatch(expected);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 64);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", this::answer);
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        private byte[] body(String path) {
            return bodies.computeIfAbsent(path, p -> {
                byte[] b = new byte[size];
                new Random(p.hashCode()).nextBytes(b);
                return b;
            });
        }

        String sha256(String path) {
            return Sha256.hex(body(path));
        }

        private void answer(HttpExchange x) throws IOException {
            byte[] b = body(x.getRequestURI().getPath());
            x.sendResponseHeaders(200, b.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(b, 0, b.length - 1);
                out.flush();
                held.countDown();
                if (!release.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("never released");
                }
                out.write(b, b.length - 1, 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        boolean allHeld(Duration timeout) throws InterruptedException {
            return held.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        void releaseAll() {
            release.countDown();
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
        }
    }
}
