package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Bgfetch;
import io.bgfetch.testing.CommandBatch;
import io.bgfetch.testing.HoldingServer;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * However many fetches are registered, the daemon runs at most {@code BGFETCH_MAX_TRANSFERS}
 * (default 16) transfers at once, on a bounded number of threads, shares them fairly between
 * fetches, and stops a fetch whose records wait for a slot at once. The server holds every
 * response until the test lets it go, and counts the requests it is answering at one time.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BoundedDaemonIT {
    private static final int LIMIT = 16;
    /** The JVM's own threads, the socket server, the rate ticker, the endings pool, with room to spare. */
    private static final int THREAD_BOUND = LIMIT + 40;
    private static final int SIZE = 4096;

    @TempDir
    Path tmp;
    HoldingServer server;
    Bgfetch bg;

    @BeforeEach
    void start() throws IOException {
        server = HoldingServer.start(SIZE);
        // Held responses must not count as stalled, however long registering takes on a busy machine.
        bg = Bgfetch.create(tmp).env("BGFETCH_STALL_TIMEOUT", "10m");
    }

    @AfterEach
    void stop() {
        try {
            bg.close();
        } finally {
            server.close();
        }
    }

    @Test
    void aThousandFetchesRunSixteenAtATimeOnAFewThreadsAndAllFinish() {
        server.hold("/f/");
        run(0, "daemon", "start");
        long pid = bg.daemonPid();
        Footprint idle = Footprint.of(pid);
        System.out.println("bounded daemon: idle: " + idle);

        int registered = 0;
        for (int target : List.of(10, 100, 1000)) {
            List<List<String>> commands = new ArrayList<>();
            for (int i = registered; i < target; i++) {
                commands.add(List.of("fetch", id(i), server.url(path(i)), "--dest", dest(i).toString()));
            }
            long t0 = System.nanoTime();
            Result batch = bg.runCommand(CommandBatch.command(bg), CommandBatch.input(commands));
            System.out.println("bounded daemon: registered " + commands.size() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertEquals(0, batch.exit(), () -> "registering fetches: " + batch.describe());
            registered = target;
            int expected = Math.min(LIMIT, registered);
            Poll.until(Duration.ofSeconds(20), () -> server.inFlight("/f/") == expected,
                    expected + " requests held at the server (now " + server.inFlight("/f/") + ")");
            Footprint now = Footprint.of(pid);
            System.out.println("bounded daemon: " + registered + " fetches registered: " + now);
            assertTrue(now.threads() < THREAD_BOUND, registered + " fetches registered: " + now);
            assertTrue(server.peakInFlight() <= LIMIT, "at most " + LIMIT + " transfers at once, saw " + server.peakInFlight());
        }

        // The last one registered waits for a slot; the first one has one.
        assertEquals("queued", bg.status(id(999)).get("state"));
        assertEquals("pending", match(999).get("state"));
        assertEquals("active", bg.status(id(0)).get("state"));
        assertEquals("active", match(0).get("state"));

        // Stopping the daemon with 984 fetches queued is quick, and every one resumes next time.
        long before = System.nanoTime();
        run(0, "daemon", "stop");
        long stopMillis = (System.nanoTime() - before) / 1_000_000;
        assertTrue(stopMillis < 15_000, "daemon stop with 1000 fetches registered took " + stopMillis + " ms");
        server.open("/f/");
        Poll.until(Duration.ofSeconds(20), () -> server.inFlight() == 0, "the cancelled requests to end at the server");

        long t1 = System.nanoTime();
        run(0, "daemon", "start");
        long pid2 = bg.daemonPid();
        Poll.until(Duration.ofSeconds(90), () -> bg.run("list").out().isBlank(), "every fetch to end");
        System.out.println("bounded daemon: restart and 1000 fetches done in " + (System.nanoTime() - t1) / 1_000_000 + " ms");
        assertTrue(server.peakInFlight() <= LIMIT, "at most " + LIMIT + " transfers at once, saw " + server.peakInFlight());
        Footprint after = Footprint.of(pid2);
        System.out.println("bounded daemon: after 1000 fetches ended: " + after + "; daemon stop took " + stopMillis + " ms");
        assertTrue(after.threads() < THREAD_BOUND, "after 1000 fetches: " + after);

        List<Object> all = bg.run("list", "--all", "--json").jsonArray();
        assertEquals(1000, all.size());
        for (Object o : all) {
            Map<?, ?> f = (Map<?, ?>) o;
            assertEquals("success", f.get("result"), f.toString());
        }
        for (int i = 0; i < 1000; i++) {
            assertArrayEquals(HoldingServer.body(path(i), SIZE), read(dest(i).resolve(i + ".bin")), "the bytes of " + id(i));
        }
    }

    @Test
    void aSmallFetchRegisteredLaterIsNotStarvedByABigOneAndQueuedFetchesStopAtOnce() throws IOException {
        server.hold("/big/");
        server.hold("/other/");
        Path input = tmp.resolve("big.txt");
        StringBuilder urls = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            urls.append(server.url("/big/" + i + ".bin")).append('\n');
        }
        Files.writeString(input, urls);
        run(0, "fetch", "big", "-j", "32", "--input", input.toString());
        Poll.until(Duration.ofSeconds(20), () -> server.inFlight("/big/") == LIMIT, LIMIT + " of big's requests held");

        String small = server.url("/small/1.bin");
        run(0, "fetch", "small", small);
        assertEquals("queued", bg.status("small").get("state"), "every slot is taken");
        assertEquals("pending", bg.run("match", "small", small, "--json").json().get("state"));

        // One of big's transfers ends: its slot goes to the newcomer, not to big's 985 queued records.
        server.release("/big/", 1);
        Map<String, Object> done = bg.awaitDone("small", Duration.ofSeconds(20));
        assertEquals("success", done.get("result"), done.toString());
        Map<String, Object> big = bg.status("big");
        assertEquals("active", big.get("state"), big.toString());
        assertTrue(((Number) big.get("completed")).intValue() < 100, "small finished long before big: " + big);
        assertTrue(server.peakInFlight() <= LIMIT, "at most " + LIMIT + " at once, saw " + server.peakInFlight());

        // A fetch waiting entirely for slots is paused and aborted at once.
        run(0, "fetch", "other", server.url("/other/1.bin"), server.url("/other/2.bin"));
        assertEquals("queued", bg.status("other").get("state"));
        run(0, "pause", "other");
        assertEquals("paused", bg.status("other").get("state"));
        run(0, "resume", "other");
        run(0, "abort", "other");
        Map<String, Object> aborted = bg.status("other");
        assertEquals("done", aborted.get("state"), aborted.toString());
        assertEquals("aborted", aborted.get("failureReason"), aborted.toString());
        assertEquals(0, server.arrived("/other/"), "the aborted fetch never reached the server");

        // Pausing big takes back its queued records as well as its running ones.
        run(0, "pause", "big");
        assertEquals("paused", bg.status("big").get("state"));
    }

    @Test
    void aFetchWaitingToRetryLendsItsSlotsAndTheLimitIsASetting() throws IOException {
        bg.env("BGFETCH_MAX_TRANSFERS", "2").env("BGFETCH_BACKOFF_BASE", "1m").env("BGFETCH_BACKOFF_MAX", "1m");
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        String dead = "http://127.0.0.1:" + closedPort + "/";
        run(0, "fetch", "dead", "-j", "2", dead + "a", dead + "b");
        Poll.until(Duration.ofSeconds(20), () -> "waiting".equals(bg.status("dead").get("state")), "dead to wait for a retry");

        // Both records of 'dead' sleep for a minute; meanwhile their slots serve another fetch.
        server.hold("/live/");
        List<String> args = new ArrayList<>(List.of("fetch", "live", "-j", "4"));
        for (int i = 0; i < 4; i++) {
            args.add(server.url("/live/" + i + ".bin"));
        }
        run(0, args.toArray(String[]::new));
        Poll.until(Duration.ofSeconds(20), () -> server.inFlight("/live/") == 2, "live to use both slots");
        server.open("/live/");
        Map<String, Object> live = bg.awaitDone("live", Duration.ofSeconds(20));
        assertEquals("success", live.get("result"), live.toString());
        assertTrue(server.peakInFlight() <= 2, "BGFETCH_MAX_TRANSFERS=2, saw " + server.peakInFlight());
        assertEquals("waiting", bg.status("dead").get("state"));
    }

    private Map<String, Object> match(int i) {
        Result r = bg.run("match", id(i), server.url(path(i)), "--json");
        assertEquals(0, r.exit(), r::describe);
        return r.json();
    }

    private void run(int exit, String... args) {
        Result r = bg.run(args);
        assertEquals(exit, r.exit(), () -> String.join(" ", args) + ": " + r.describe());
    }

    private static String id(int i) {
        return "f-" + i;
    }

    private static String path(int i) {
        return "/f/" + i + ".bin";
    }

    /** One destination per fetch: what each fetch placed is checked on its own. */
    private Path dest(int i) {
        return tmp.resolve("dest").resolve(id(i));
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A process's thread count and resident memory, from /proc/PID/status. */
    record Footprint(int threads, long rssKib) {
        static Footprint of(long pid) {
            int threads = -1;
            long rss = -1;
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("Threads:")) {
                        threads = Integer.parseInt(line.substring(8).strip());
                    } else if (line.startsWith("VmRSS:")) {
                        rss = Long.parseLong(line.substring(6).replace("kB", "").strip());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read /proc/" + pid + "/status", e);
            }
            return new Footprint(threads, rss);
        }

        @Override
        public String toString() {
            return threads + " threads, RSS " + rssKib / 1024 + " MiB";
        }
    }
}
