package io.bgfetch.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.lifecycle.FetchResult;
import io.bgfetch.lifecycle.RecordState;
import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.store.RecordRow;
import io.bgfetch.testing.ChangingServer;
import io.bgfetch.testing.Sha256;
import io.bgfetch.transfer.RecordDownload;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up check of done bodies that were not fsynced yet when the daemon stopped: the state
 * a power cut leaves is made here by hand (the durable marks of a finished fetch taken back, a
 * block of its placed file damaged), then a daemon starts on it.
 */
@Timeout(60)
class UnsyncedBodiesTest {
    private static final int KIB = 1024;
    private static final Map<String, String> ENV = Map.of("BGFETCH_CHECKPOINT_BYTES", "64KiB");

    @TempDir
    Path tmp;

    private ChangingServer server;
    private InProcessDaemon daemon;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Path home() {
        return tmp.resolve("home");
    }

    private static FetchOptions dest(Path dir) {
        return new FetchOptions(null, null, 0, null, null, null, dir.toString(), null, null, null, false, false, 2, 1,
                0, 60_000, null);
    }

    /** A fetch of two files into DIR that succeeded, with its bodies fsynced; the daemon is then closed. */
    private Path placedFetch(byte[] body) throws Exception {
        server = ChangingServer.start(body);
        daemon = InProcessDaemon.start(home(), ENV);
        Path dir = tmp.resolve("dir");
        daemon.register("two", dest(dir), server.url("/a.bin"), server.url("/b.bin"));
        daemon.awaitDone("two");
        daemon.awaitHooks("two");
        assertEquals(FetchResult.SUCCESS, daemon.row("two").result());
        assertTrue(RecordDownload.awaitLateSyncs(Duration.ofSeconds(10)));
        daemon.close();
        daemon = null;
        return dir;
    }

    /** As if the late fsync of record {@code idx} never happened. */
    private void forgetDurable(int idx) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + InProcessDaemon.databaseOf(home()));
             Statement st = db.createStatement()) {
            assertEquals(1, st.executeUpdate("UPDATE segments SET durable = 0 WHERE record_idx = " + idx));
        }
    }

    private static void damage(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0xff);
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aPlacedFileThatLostBytesIsFetchedAgainFromItsFirstBadBlockAndPlacedUnderItsName() throws Exception {
        byte[] body = new byte[300 * KIB + 77];
        new Random(41).nextBytes(body);
        Path dir = placedFetch(body);
        assertEquals(List.of("a.bin", "b.bin"), names(dir));
        forgetDurable(0);
        damage(dir.resolve("a.bin"), 200 * KIB + 5); // block 3 of 64 KiB
        int requests = server.requests().size();

        daemon = InProcessDaemon.resume(home(), ENV);
        daemon.awaitDone("two");

        assertEquals(FetchResult.SUCCESS, daemon.row("two").result(), () -> daemon.row("two").message());
        assertEquals(List.of("a.bin", "b.bin"), names(dir), "the same names, and no part file left");
        String sha = Sha256.hex(body);
        assertEquals(sha, Sha256.hex(Files.readAllBytes(dir.resolve("a.bin"))), "repaired");
        assertEquals(sha, Sha256.hex(Files.readAllBytes(dir.resolve("b.bin"))), "its sibling untouched");
        assertEquals(requests + 1, server.requests().size(), "one request, for the lost bytes only");
        assertEquals("bytes=" + (192 * KIB) + "-" + (body.length - 1), server.requests().get(requests).range(),
                "from the damaged block");
        for (RecordRow r : daemon.recordRows("two")) {
            assertEquals(RecordState.DONE, r.state());
            assertTrue(r.isPlaced(), "record " + r.idx() + " is placed");
        }
    }

    @Test
    void aBodyTheKernelKeptIsOnlyCheckedAndMarkedDurable() throws Exception {
        byte[] body = new byte[200 * KIB];
        new Random(42).nextBytes(body);
        Path dir = placedFetch(body);
        forgetDurable(1);
        long placedAt = Files.getLastModifiedTime(dir.resolve("b.bin")).toMillis();
        int requests = server.requests().size();

        daemon = InProcessDaemon.resume(home(), ENV);

        assertTrue(daemon.row("two").isDone(), "still done: nothing was lost");
        assertEquals(requests, server.requests().size(), "nothing is fetched again");
        assertEquals(200 * KIB, daemon.store.segments(daemon.row("two").key(), 1).stream()
                .mapToLong(s -> s.durable()).sum(), "marked durable");
        assertEquals(placedAt, Files.getLastModifiedTime(dir.resolve("b.bin")).toMillis(), "the file is left as it is");
    }
}
