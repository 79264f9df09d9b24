package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Poll;
import io.bgfetch.testing.RequestLog;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * State found inconsistent on start is repaired, never trusted: a body file shorter than its
 * checkpoint claims (lost writes) resumes from what the file really holds, a missing one from
 * zero, and a damaged database is set aside so that the daemon still starts.
 */
class RepairIT extends EndToEndTest {
    private static final int SIZE = 6_000_000;

    /** Small checkpoints, so a killed daemon leaves a body partly claimed in the store. */
    @BeforeEach
    void tuneTheDaemon() {
        bg.env("BGFETCH_CHECKPOINT_BYTES", "256KiB");
    }

    /** Starts a slow fetch, waits until at least {@code bytes} are stored, then SIGKILLs the daemon. */
    private Resource killMidBody(String id, long bytes) {
        Resource r = server.add("/body.bin", SIZE).throttle(1_500_000);
        assertEquals(0, bg.run("fetch", id, server.url("/body.bin")).exit());
        Poll.until(Duration.ofSeconds(30), () -> num(bg.status(id).get("downloaded")) >= bytes, "progress");
        bg.killDaemon();
        return r;
    }

    private Path bodyFile() throws IOException {
        try (Stream<Path> files = Files.walk(bg.home().resolve("store"))) {
            return files.filter(p -> p.toString().endsWith(".body")).findFirst().orElseThrow();
        }
    }

    private void assertCompletesExactly(String id, Resource r) {
        bg.awaitDone(id, Duration.ofSeconds(60));
        assertEquals("success", bg.status(id).get("result"));
        Result body = bg.run("match", id, server.url("/body.bin"));
        assertEquals(0, body.exit(), body.describe());
        assertEquals(r.sha256(), Sha256.hex(body.stdoutBytes()), "the stored body is exact");
    }

    @Test
    void aBodyFileShorterThanItsCheckpointResumesFromWhatItHolds() throws IOException {
        Resource r = killMidBody("short", 2_500_000);
        try (RandomAccessFile f = new RandomAccessFile(bodyFile().toFile(), "rw")) {
            f.setLength(1_000_000); // writes lost: the file now holds less than the database claims
        }
        assertEquals(0, bg.run("status", "short").exit()); // any command brings the daemon back
        assertCompletesExactly("short", r);

        List<RequestLog> requests = server.requests("/body.bin");
        String resumeRange = requests.get(requests.size() - 1).header("range");
        assertTrue(resumeRange != null && resumeRange.startsWith("bytes="), "the body resumed: " + requests);
        long from = Long.parseLong(resumeRange.substring(6, resumeRange.indexOf('-')));
        assertTrue(from > 0 && from <= 1_000_000, "resumed from at most what the file held, not the claim: " + from);
    }

    @Test
    void aMissingBodyFileStartsFromZero() throws IOException {
        Resource r = killMidBody("gone", 1_500_000);
        Files.delete(bodyFile());
        assertEquals(0, bg.run("status", "gone").exit());
        assertCompletesExactly("gone", r);
    }

    @Test
    void aDamagedDatabaseIsSetAsideAndTheDaemonStillServes() throws IOException {
        Resource r = server.add("/small.bin", 50_000);
        assertEquals(0, bg.run("fetch", "before", server.url("/small.bin"), "--wait").exit());
        assertEquals(0, bg.run("daemon", "stop").exit());
        Path db = bg.home().resolve("bgfetch.db");
        Files.write(db, new byte[8192]); // zeros: not a database
        Files.deleteIfExists(Path.of(db + "-wal"));

        Result list = bg.run("list", "--all");
        assertEquals(0, list.exit(), list.describe());
        assertEquals("", list.out(), "the damaged state is not trusted");
        try (Stream<Path> files = Files.list(bg.home())) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("bgfetch.db.corrupt-")),
                    "the damaged database is kept aside for inspection");
        }
        Result again = bg.run("fetch", "after", server.url("/small.bin"), "--wait");
        assertEquals(0, again.exit(), again.describe());
        assertEquals(r.sha256(), Sha256.hex(bg.run("match", "after", server.url("/small.bin")).stdoutBytes()));
    }

    private static long num(Object o) {
        return ((Number) o).longValue();
    }
}
