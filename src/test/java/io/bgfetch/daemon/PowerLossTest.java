package io.bgfetch.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.lifecycle.FetchResult;
import io.bgfetch.lifecycle.RecordState;
import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.RecordRow;
import io.bgfetch.store.SegmentRow;
import io.bgfetch.testing.ChangingServer;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Sha256;
import io.bgfetch.transfer.TransferSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The store's power-loss rules, tested by pulling the power: the daemon's middle layer runs in
 * this process on a {@link PowerCut} machine, the power goes off at a chosen moment (mid-body,
 * right after a restart from zero, right after an acknowledgement, right after a result), what
 * a power cut could have left is written back (only what was forced; or some of the rest too;
 * or all of it, as after a SIGKILL), and a new daemon starts on it. Whatever it finishes as
 * done must have the right bytes.
 */
@Timeout(120)
class PowerLossTest {
    private static final int KIB = 1024;
    /**
     * Small blocks and a small sync budget, so that a body of a few hundred KiB has every kind of
     * state; no stall timeout within a test (answers are held on purpose).
     */
    private static final TransferSettings SETTINGS = new TransferSettings(Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofSeconds(60), Duration.ofSeconds(2), 64 * KIB, 16 * KIB)
            .withSync(Duration.ofHours(1), 256 * KIB);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private ChangingServer server;
    private PowerCut power;
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

    private void startDaemon() throws Exception {
        daemon = InProcessDaemon.resume(home(), SETTINGS.withDisk(power.disk()),
                power.commits(InProcessDaemon.databaseOf(home())));
    }

    /** The power goes off; a new daemon starts on what survived. */
    private void cutPowerAndRestart(PowerCut.Survivors survivors, ChangingServer.Hold... holdsToDrop) throws Exception {
        power.cut();
        for (ChangingServer.Hold h : holdsToDrop) {
            h.drop();
        }
        daemon.close();
        power.restore(InProcessDaemon.databaseOf(home()), survivors);
        startDaemon();
    }

    private static FetchOptions options(int connections) {
        FetchOptions d = FetchOptions.DEFAULTS;
        return new FetchOptions(null, null, 0, null, null, null, null, null, null, null, false, false, 1, connections,
                0, 60_000, null);
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private FetchRow awaitDone(String id) {
        FetchRow[] row = new FetchRow[1];
        Poll.until(WAIT, () -> (row[0] = daemon.row(id)).isDone(), "fetch " + id + " to end");
        return row[0];
    }

    /** Every record that ended done holds exactly {@code sha256}'s bytes; and they all did. */
    private void assertDoneWith(String id, String sha256) throws Exception {
        FetchRow row = awaitDone(id);
        assertEquals(FetchResult.SUCCESS, row.result(), () -> row.failureReason() + ": " + row.message());
        List<RecordRow> records = daemon.recordRows(id);
        for (RecordRow r : records) {
            assertEquals(RecordState.DONE, r.state());
            assertEquals(sha256, Sha256.hex(daemon.body(id, r.idx())), "record " + r.idx() + " is not the body served");
        }
    }

    private long durableBytes(String id) {
        long key = daemon.row(id).key();
        return daemon.store.segments(key, 0).stream().mapToLong(SegmentRow::durable).sum();
    }

    private long recordedBytes(String id) {
        long key = daemon.row(id).key();
        return daemon.store.segments(key, 0).stream().mapToLong(SegmentRow::done).sum();
    }

    // ---- the tests --------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} of the rest survives, seed {1}, {2} connection(s)")
    @CsvSource({"NONE, 1, 1", "SOME, 2, 1", "SOME, 3, 2", "SOME, 4, 2", "ALL, 5, 1", "NONE, 6, 2"})
    void aCutMidBodyEndsWithTheRightBytes(PowerCut.Survivors survivors, long seed, int connections) throws Exception {
        power = new PowerCut(seed);
        server = ChangingServer.start(bytes(1024 * KIB + 12_345, seed));
        startDaemon();
        ChangingServer.Hold hold = server.holdAt(400 * KIB);
        daemon.register("mid", options(connections), server.url("/body.bin"));
        hold.awaitReached(WAIT);
        Poll.until(WAIT, () -> recordedBytes("mid") >= 384 * KIB, "the bytes before the hold to be recorded");

        cutPowerAndRestart(survivors, hold);

        assertDoneWith("mid", server.current().sha256());
    }

    @ParameterizedTest(name = "{0} of the rest survives, seed {1}, {2} bytes of the new body")
    @CsvSource({"NONE, 1, 0", "NONE, 2, 200000", "SOME, 3, 0", "SOME, 4, 200000", "SOME, 5, 200000",
            "SOME, 6, 100000", "SOME, 8, 200000", "SOME, 9, 300000", "SOME, 10, 200000", "ALL, 7, 200000"})
    void aCutRightAfterARestartFromZeroNeverLeavesASplice(PowerCut.Survivors survivors, long seed, int newBytes)
            throws Exception {
        power = new PowerCut(seed);
        server = ChangingServer.start(bytes(600 * KIB, seed));
        ChangingServer.Version v1 = server.current();
        startDaemon();
        ChangingServer.Hold first = server.holdAt(400 * KIB);
        daemon.register("flip", options(1), server.url("/body.bin"));
        first.awaitReached(WAIT);
        Poll.until(WAIT, () -> durableBytes("flip") >= 256 * KIB, "v1's first 256 KiB to be durable");

        // The resource changes and the connection drops: the resume finds v2 and starts from zero.
        server.change(bytes(600 * KIB, seed + 100));
        ChangingServer.Hold second = server.holdAt(newBytes).plainOnly();
        first.drop();
        second.awaitReached(WAIT);
        Poll.until(WAIT, () -> daemon.recordRows("flip").get(0).generation() == 2, "the new body to be planned");
        if (newBytes > 0) {
            Poll.until(WAIT, () -> recordedBytes("flip") >= newBytes - 64 * KIB, "v2's bytes to be recorded");
        }

        // Behind a load balancer the old version answers again: If-Range with v1's ETag would
        // succeed, so only a store that knows the file holds v2's bytes avoids a splice. Switched
        // before the restart (the held answer keeps streaming v2): a daemon that resumes at once
        // must see v1, not fetch v2 whole before the switch.
        server.serve(v1);
        cutPowerAndRestart(survivors, second);

        assertDoneWith("flip", v1.sha256());
    }

    @ParameterizedTest(name = "{0} of the rest survives")
    @CsvSource({"NONE", "SOME", "ALL"})
    void aCutRightAfterTheAcknowledgementKeepsTheFetchAndItsUpload(PowerCut.Survivors survivors) throws Exception {
        power = new PowerCut(11);
        server = ChangingServer.start(bytes(300 * KIB, 11));
        startDaemon();
        byte[] upload = bytes(150 * KIB, 12);
        Path file = tmp.resolve("upload.bin");
        Files.write(file, upload);
        ChangingServer.Hold hold = server.holdAt(0);
        FetchOptions post = new FetchOptions(null, null, 0, null, "POST", file.toString(), null, null, null, null,
                false, false, 1, 1, 0, 60_000, null);

        daemon.register("ack", post, server.url("/form"));
        cutPowerAndRestart(survivors, hold); // the acknowledgement was just sent

        assertDoneWith("ack", server.current().sha256());
        ChangingServer.Seen last = server.requests().get(server.requests().size() - 1);
        assertEquals("POST", last.method());
        assertEquals(Sha256.hex(upload), last.bodySha256(), "the request body sent after the cut is the whole upload");
    }

    @Test
    void aCutRightAfterTheResultKeepsTheResultAndTheBody() throws Exception {
        power = new PowerCut(21);
        server = ChangingServer.start(bytes(500 * KIB, 21));
        startDaemon();
        daemon.register("result", options(2), server.url("/body.bin"));
        awaitDone("result");
        // A done body is fsynced just after its result: once it is marked durable, nothing is lost.
        Poll.until(WAIT, () -> durableBytes("result") == 500 * KIB, "the body to be marked durable");
        int requests = server.requests().size();

        cutPowerAndRestart(PowerCut.Survivors.NONE);

        assertDoneWith("result", server.current().sha256());
        assertEquals(requests, server.requests().size(), "a stored result is final: nothing is fetched again");
    }

    @ParameterizedTest(name = "{0} of the unforced body writes survive, seed {1}")
    @CsvSource({"NONE, 31", "SOME, 32", "SOME, 33", "ALL, 34"})
    void aCutBeforeADoneBodyIsOnDiskFetchesWhatItLostAgain(PowerCut.Survivors bodies, long seed) throws Exception {
        power = new PowerCut(seed);
        int size = 700 * KIB + 1234;
        server = ChangingServer.start(bytes(size, seed));
        startDaemon();
        ChangingServer.Hold hold = server.holdAt(640 * KIB);
        daemon.register("late", options(1), server.url("/body.bin"));
        hold.awaitReached(WAIT);
        // The body has started (the emptied file is durable) and its first blocks are recorded.
        Poll.until(WAIT, () -> recordedBytes("late") >= 512 * KIB, "the bytes before the hold to be recorded");
        CountDownLatch slowDisk = power.slowDisk(); // from here on, no fsync returns before the cut
        hold.release();

        FetchRow ended = awaitDone("late");
        assertEquals(FetchResult.SUCCESS, ended.result(), "the fetch ends with its last byte, not with the disk");
        long durable = durableBytes("late");
        assertTrue(durable < size, "the end of the body is not durable yet: " + durable);
        int requests = server.requests().size();

        power.cut();
        daemon.close();
        power.restore(InProcessDaemon.databaseOf(home()), bodies, PowerCut.Survivors.ALL);
        startDaemon();

        assertDoneWith("late", server.current().sha256());
        Poll.until(WAIT, () -> durableBytes("late") == size, "the checked body to be marked durable");
        if (bodies == PowerCut.Survivors.ALL) {
            assertEquals(requests, server.requests().size(), "nothing was lost: nothing is fetched again");
        } else if (bodies == PowerCut.Survivors.NONE) {
            assertTrue(server.requests().size() > requests, "the lost bytes are fetched again");
            String range = server.requests().get(server.requests().size() - 1).range();
            long from = Long.parseLong(range.substring("bytes=".length(), range.indexOf('-')));
            assertTrue(from >= durable - durable % (64 * KIB), "from the first block not durable: " + from);
        }
        assertEquals(0, slowDisk.getCount(), "the cut released the held fsync");
    }

    @ParameterizedTest(name = "{0} of the unforced body writes survive, seed {1}")
    @CsvSource({"NONE, 1", "SOME, 2", "SOME, 3", "SOME, 4", "ALL, 5"})
    void recordedBytesThatThePowerCutLostAreFetchedAgainFromTheFirstBadBlock(PowerCut.Survivors bodies, long seed)
            throws Exception {
        power = new PowerCut(seed);
        server = ChangingServer.start(bytes(1024 * KIB, seed));
        startDaemon();
        ChangingServer.Hold hold = server.holdAt(700 * KIB);
        daemon.register("tail", options(1), server.url("/body.bin"));
        hold.awaitReached(WAIT);
        // The first sync comes once 256 KiB are recorded; more follow while blocks complete.
        Poll.until(WAIT, () -> durableBytes("tail") >= 256 * KIB && recordedBytes("tail") >= 640 * KIB,
                "256 KiB durable and 640 KiB recorded");
        long durable = durableBytes("tail");
        long recorded = recordedBytes("tail");

        // Every commit survives (the progress records with their checksums); of the body, only
        // what was forced, or some or all of the rest.
        power.cut();
        hold.drop();
        daemon.close();
        power.restore(InProcessDaemon.databaseOf(home()), bodies, PowerCut.Survivors.ALL);
        startDaemon();

        assertDoneWith("tail", server.current().sha256());
        String range = server.requests().get(1).range();
        long from = Long.parseLong(range.substring("bytes=".length(), range.indexOf('-')));
        assertTrue(from >= durable && from <= recorded, "resumed at " + from + ", between the durable " + durable
                + " and the recorded " + recorded);
        assertTrue(from == durable || from % (64 * KIB) == 0, "from a block's start: " + from);
        if (bodies == PowerCut.Survivors.ALL) {
            assertEquals(recorded, from, "every recorded block still matches: nothing recorded is fetched again");
        }
    }
}
