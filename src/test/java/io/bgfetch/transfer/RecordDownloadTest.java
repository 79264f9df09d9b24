package io.bgfetch.transfer;

import static io.bgfetch.transfer.Downloads.randomBytes;
import static io.bgfetch.transfer.Downloads.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.transfer.TinyServer.Seen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class RecordDownloadTest {
    private static final String ETAG = TinyServer.ETAG;
    private static final String LAST_MODIFIED = TinyServer.LAST_MODIFIED;
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    private TinyServer server;
    private HttpTransport http;
    private Path bodyFile;
    private final TransferSettings settings = Downloads.SETTINGS;

    @BeforeEach
    void start() throws IOException {
        server = new TinyServer();
        http = new HttpTransport(settings, "test");
        bodyFile = tmp.resolve("store").resolve("1").resolve("0.body");
    }

    @AfterEach
    void stop() throws IOException {
        http.close();
        server.close();
    }

    // ---- helpers ----------------------------------------------------------------------------

    private DownloadRequest request(String sha256, int connections, Duration retryFor) {
        return new DownloadRequest(server.url("/file.bin"), "GET", List.of(), null, sha256, connections, retryFor,
                bodyFile, 0, null, null);
    }

    private DownloadRequest request() {
        return request(null, 1, Duration.ofSeconds(10));
    }

    private Outcome run(DownloadRequest req, ResponseHead storedHead, List<Segment> storedPlan, Recorder listener,
                        Cancellation cancel) {
        return Downloads.run(http, req, storedHead, storedPlan, listener, cancel);
    }

    private Outcome run(DownloadRequest req, ResponseHead storedHead, List<Segment> storedPlan, Recorder listener) {
        return run(req, storedHead, storedPlan, listener, new Cancellation());
    }

    private static ResponseHead storedHead(long size, String etag, String lastModified) {
        return new ResponseHead(200, "OK", Map.of("accept-ranges", "bytes"), size, etag, lastModified, true);
    }

    private void writeBody(byte[] bytes) throws IOException {
        Files.createDirectories(bodyFile.getParent());
        Files.write(bodyFile, bytes);
    }

    private static byte[] prefix(byte[] b, int n) {
        byte[] p = new byte[n];
        System.arraycopy(b, 0, p, 0, n);
        return p;
    }

    // ---- tests ------------------------------------------------------------------------------

    @Test
    void freshDownloadWritesTheExactBytes() throws Exception {
        byte[] content = randomBytes(300_000, 1);
        server.content = content;
        Recorder l = new Recorder();

        Outcome outcome = run(request(), null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(1, server.log.size());
        assertNull(server.log.peek().range(), "a fresh download asks for the whole body");
        assertEquals(1, l.heads.size());
        assertEquals(content.length, l.heads.get(0).size());
        assertEquals(ETAG, l.heads.get(0).etag());
        assertEquals(List.of(1), l.planSizes);
        assertEquals(content.length, l.arrived.get());
        assertTrue(RecordDownload.awaitLateSyncs(Duration.ofSeconds(10)));
        assertEquals(content.length, l.lastDurable(0), "the end is made durable, after the run");
        assertEquals(0, l.restarts.size());
    }

    @Test
    void freshDownloadWithSeveralConnectionsUsesRangesAndEndsExact() throws Exception {
        byte[] content = randomBytes(3 * MIB + 12_345, 2);
        server.content = content;
        Recorder l = new Recorder();

        Outcome outcome = run(request(null, 3, Duration.ofSeconds(10)), null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(List.of(3), l.planSizes);
        List<Seen> ranged = server.log.stream().filter(s -> s.range() != null).toList();
        assertEquals(2 + l.splits.size(), ranged.size(),
                "the first segment continues the plain response; the others (and any split off) use ranges");
        for (Seen s : ranged) {
            assertEquals(ETAG, s.ifRange());
        }
    }

    @Test
    void unknownLengthBodyIsReadToItsEnd() throws Exception {
        byte[] content = randomBytes(200_000, 3);
        server.content = content;
        server.chunked = true;
        Recorder l = new Recorder();

        Outcome outcome = run(request(), null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(-1, l.heads.get(0).size());
    }

    @Test
    void storedProgressResumesWithRangeAndIfRange() throws Exception {
        byte[] content = randomBytes(300_000, 4);
        server.content = content;
        int have = 123_456;
        writeBody(prefix(content, have));
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(content.length, ETAG, null),
                List.of(new Segment(0, 0, content.length, have)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(1, server.log.size());
        Seen seen = server.log.peek();
        assertTrue(seen.range() != null && seen.range().startsWith("bytes=" + have + "-"), "Range: " + seen.range());
        assertEquals(ETAG, seen.ifRange());
        assertEquals(0, l.heads.size(), "a resumed body keeps its head");
        assertEquals(0, l.restarts.size());
        assertEquals(content.length - have, l.arrived.get(), "only the missing bytes travel");
    }

    @Test
    void resumeWithoutEtagProvesSamenessWithLastModified() throws Exception {
        byte[] content = randomBytes(100_000, 5);
        server.content = content;
        server.etag = null;
        int have = 40_000;
        writeBody(prefix(content, have));
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(content.length, null, LAST_MODIFIED),
                List.of(new Segment(0, 0, content.length, have)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(LAST_MODIFIED, server.log.peek().ifRange());
        assertTrue(server.log.peek().range().startsWith("bytes=" + have + "-"));
    }

    @Test
    void aChangedResourceAnswering200RestartsFromZeroAndEndsExact() throws Exception {
        byte[] oldVersion = randomBytes(300_000, 6);
        byte[] content = randomBytes(250_000, 7);
        server.content = content;
        server.etag = "\"v2\"";
        int have = 100_000;
        writeBody(prefix(oldVersion, have));
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(oldVersion.length, ETAG, null),
                List.of(new Segment(0, 0, oldVersion.length, have)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile), "never a splice of two versions");
        List<Seen> seen = new ArrayList<>(server.log);
        assertEquals(2, seen.size());
        assertEquals(ETAG, seen.get(0).ifRange());
        assertNull(seen.get(1).range(), "the restart asks for the whole body");
        assertEquals(1, l.restarts.size());
        assertEquals(1, l.heads.size());
        assertEquals("\"v2\"", l.heads.get(0).etag());
    }

    @Test
    void aServerIgnoringRangesRestartsFromZeroAndEndsExact() throws Exception {
        byte[] content = randomBytes(200_000, 8);
        server.content = content;
        server.ignoreRanges = true;
        int have = 50_000;
        writeBody(prefix(content, have));
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(content.length, ETAG, null),
                List.of(new Segment(0, 0, content.length, have)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(1, l.restarts.size());
    }

    @Test
    void aCheckpointClaimingMoreThanTheFileHoldsIsCutBack() throws Exception {
        byte[] content = randomBytes(300_000, 9);
        server.content = content;
        int onDisk = 70_000;
        writeBody(prefix(content, onDisk));
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(content.length, ETAG, null),
                List.of(new Segment(0, 0, content.length, 2 * onDisk)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(List.of(0, onDisk), l.cutBacks.get(0), "the repair is recorded first");
        assertTrue(server.log.peek().range().startsWith("bytes=" + onDisk + "-"), server.log.peek().range());
    }

    @Test
    void aParallelPlanWithLostBytesIsRepairedAndEndsExact() throws Exception {
        byte[] content = randomBytes(3 * MIB, 10);
        server.content = content;
        // three segments claim 1 MiB, 1 MiB and 0.5 MiB, but the file holds only 1.5 MiB
        int onDisk = MIB + MIB / 2;
        writeBody(prefix(content, onDisk));
        List<Segment> plan = List.of(new Segment(0, 0, MIB, MIB), new Segment(1, MIB, 2 * MIB, MIB),
                new Segment(2, 2 * MIB, 3 * MIB, MIB / 2));
        Recorder l = new Recorder();

        Outcome outcome = run(request(null, 3, Duration.ofSeconds(10)), storedHead(content.length, ETAG, null), plan, l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(List.of(List.of(1, MIB / 2), List.of(2, 0)), l.cutBacks,
                "segments 1 and 2 cut back to what the file holds; segment 0 is whole");
        List<String> ranges = server.log.stream().map(s -> s.range()).sorted().toList();
        assertEquals(2 + l.splits.size(), ranges.size(), "one request a segment, and one a split: " + ranges);
        assertTrue(ranges.contains("bytes=" + (MIB + MIB / 2) + "-" + (2 * MIB - 1)), ranges.toString());
        for (String r : ranges) {
            long from = Long.parseLong(r.substring(6, r.indexOf('-')));
            assertTrue(from >= MIB + MIB / 2, "the complete segment and the bytes held are not fetched again: " + r);
        }
    }

    @Test
    void anIntegrityMismatchIsDownloadedTwiceThenFails() throws Exception {
        byte[] content = randomBytes(100_000, 11);
        server.content = content;
        Recorder l = new Recorder();

        Outcome outcome = run(request(sha256(new byte[] {1, 2, 3}), 1, Duration.ofSeconds(10)), null, List.of(), l);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.FETCH_ERROR, failed.kind());
        assertEquals(2, server.log.size(), "one fresh download after the first mismatch");
        assertTrue(server.log.stream().allMatch(s -> s.range() == null));
        assertEquals(1, l.integrityMismatches.get());
    }

    @Test
    void aMatchingDigestIsDone() throws Exception {
        byte[] content = randomBytes(100_000, 12);
        server.content = content;

        Outcome outcome = run(request(sha256(content), 1, Duration.ofSeconds(10)), null, List.of(), new Recorder());

        assertEquals(new Outcome.Done(content.length), outcome);
        assertEquals(1, server.log.size());
    }

    @Test
    void notFoundFailsWithBadStatusAtOnce() {
        server.content = randomBytes(10, 13);
        server.statuses.add(404);
        Recorder l = new Recorder();

        Outcome outcome = run(request(), null, List.of(), l);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.BAD_STATUS, failed.kind());
        assertEquals(404, failed.httpStatus());
        assertEquals(1, server.log.size());
        assertEquals(0, l.waits.get(), "a 404 is not retried");
        assertEquals(1, l.errorHeads.size());
        assertEquals(404, l.errorHeads.get(0).status());
        assertEquals(0, l.heads.size(), "an error response is not a head to resume from");
    }

    @Test
    void aTransientStatusIsRetriedThenDone() throws Exception {
        byte[] content = randomBytes(50_000, 14);
        server.content = content;
        server.statuses.add(503);
        server.statuses.add(502);
        Recorder l = new Recorder();

        Outcome outcome = run(request(), null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(3, server.log.size());
        assertEquals(2, l.waits.get());
        assertEquals(3, l.attempts.get());
    }

    @Test
    void aTransientStatusRetriedPastTheWindowFailsWithBadStatus() {
        server.content = randomBytes(10, 15);
        server.alwaysStatus = 503;
        Recorder l = new Recorder();

        Outcome outcome = run(request(null, 1, Duration.ofMillis(100)), null, List.of(), l);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.BAD_STATUS, failed.kind());
        assertEquals(503, failed.httpStatus());
        assertTrue(server.log.size() >= 2, "retried before giving up");
    }

    @Test
    void aStoredHeadWithoutAPlanStartsFresh() throws Exception {
        byte[] content = randomBytes(120_000, 16);
        server.content = content;
        writeBody(randomBytes(content.length, 17)); // whatever is on disk proves nothing
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(content.length, ETAG, null), List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome, "never Done with 0 bytes");
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertNull(server.log.peek().range(), "starts from zero");
        assertEquals(1, l.heads.size());
    }

    @Test
    void aStoredEmptyBodyIsDoneWithoutAskingAgain() {
        server.content = new byte[0];
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(0, ETAG, null), List.of(), l);

        assertEquals(new Outcome.Done(0), outcome);
        assertEquals(0, server.log.size());
    }

    @Test
    void anEmptyBodyIsDone() throws Exception {
        server.content = new byte[0];

        Outcome outcome = run(request(), null, List.of(), new Recorder());

        assertEquals(new Outcome.Done(0), outcome);
        assertEquals(0, Files.size(bodyFile));
    }

    @Test
    void cancelledBeforeTheStartDoesNothing() {
        server.content = randomBytes(10, 18);
        Cancellation cancel = new Cancellation();
        cancel.cancel();

        Outcome outcome = run(request(), null, List.of(), new Recorder(), cancel);

        assertEquals(new Outcome.Cancelled(), outcome);
        assertEquals(0, server.log.size());
    }

    @Test
    void cancelledWhileWaitingToRetryIsCancelledNotFailed() {
        server.content = randomBytes(10, 19);
        server.alwaysStatus = 503;
        server.retryAfter = "600";
        Cancellation cancel = new Cancellation();
        Recorder l = new Recorder();
        l.onWaiting = reason -> cancel.cancel(); // a pause arriving during the wait

        Outcome outcome = run(request(null, 1, Duration.ofHours(1)), null, List.of(), l, cancel);

        assertEquals(new Outcome.Cancelled(), outcome);
    }

    // ---- what a resumed answer must prove, and what is never a body ---------------------------

    @Test
    void aPartialAnswerWithoutItsETagIsNotAppended() throws Exception {
        byte[] content = randomBytes(300_000, 20);
        server.content = content;
        server.noValidatorsOn206 = true;
        writeBody(prefix(content, 100_000));
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(content.length, ETAG, null),
                List.of(new Segment(0, 0, content.length, 100_000)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(1, l.restarts.size(), "a 206 that does not show its ETag starts the body again");
        List<Seen> seen = new ArrayList<>(server.log);
        assertEquals(ETAG, seen.get(0).ifRange());
        assertNull(seen.get(1).range(), "then the whole body is asked for");
    }

    @Test
    void aPartialAnswerWithoutItsLastModifiedIsNotAppended() throws Exception {
        byte[] content = randomBytes(100_000, 21);
        server.content = content;
        server.etag = null;
        server.noValidatorsOn206 = true;
        writeBody(prefix(content, 40_000));
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(content.length, null, LAST_MODIFIED),
                List.of(new Segment(0, 0, content.length, 40_000)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(1, l.restarts.size());
        assertEquals(LAST_MODIFIED, server.log.peek().ifRange());
    }

    @Test
    void a206ToARequestWithoutRangeIsNeverAWholeBody() throws Exception {
        byte[] content = randomBytes(300_000, 22);
        server.content = content;
        server.partialWithoutRange.set(1);
        Recorder l = new Recorder();

        Outcome outcome = run(request(), null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome, "not done with the 100 bytes of the 206");
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(2, server.log.size());
        assertEquals(1, l.waits.get(), "retried like a transient error");
        assertEquals(1, l.heads.size(), "the 206 was never taken for a body's head");
    }

    @Test
    void aServerAnsweringOnly206ToPlainRequestsFailsTheRecord() {
        server.content = randomBytes(300_000, 23);
        server.partialWithoutRange.set(Integer.MAX_VALUE);

        Outcome outcome = run(request(null, 1, Duration.ofMillis(100)), null, List.of(), new Recorder());

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.FETCH_ERROR, failed.kind());
    }

    // ---- the retry window survives restarts ----------------------------------------------------

    @Test
    void aRetryWindowOpenedBeforeARestartGoesOnCounting() {
        server.content = randomBytes(10, 24);
        server.alwaysStatus = 503;
        Recorder l = new Recorder();
        l.storedWindow = Instant.now().minus(Duration.ofHours(1)); // stored by the daemon that stopped

        Outcome outcome = run(request(null, 1, Duration.ofMinutes(10)), null, List.of(), l);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(503, failed.httpStatus());
        assertEquals(1, server.log.size(), "the ten minutes were used up before the restart: no retry");
        assertEquals(0, l.windows.size(), "the window stays the stored one");
    }

    @Test
    void aNewRetryWindowIsStoredAndClosedByProgress() throws Exception {
        byte[] content = randomBytes(50_000, 25);
        server.content = content;
        server.statuses.add(503);
        Recorder l = new Recorder();

        Outcome outcome = run(request(), null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertEquals(1, l.windows.size(), "opened by the 503");
        assertTrue(l.windows.get(0).isPresent());
    }

    // ---- fewer fsyncs, bytes checked by their checksums at resume --------------------------------

    @Test
    void aBodyIsFsyncedOnItsCadenceNotPerBlock() throws Exception {
        byte[] content = randomBytes(MIB + 1000, 26); // 17 blocks of 64 KiB
        server.content = content;
        RecordingDisk disk = new RecordingDisk();
        Recorder l = new Recorder();
        l.events = disk.events;

        Outcome outcome = new RecordDownload(http, settings.withDisk(disk).withSync(Duration.ofHours(1), 256 << 10),
                request(), null, List.of(), l, RateLimiter.unlimited(), new Cancellation()).run();

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(17, l.progress.stream().map(p -> p.get(1)).distinct().count(), "progress once per block");
        // The emptied file; a sync in the background once 256 KiB are recorded (and again after each
        // one that ends while the body still arrives, so at most 4); and the end.
        assertTrue(RecordDownload.awaitLateSyncs(Duration.ofSeconds(10)));
        long forces = disk.events.stream().filter("force"::equals).count();
        assertTrue(forces >= 3 && forces <= 1 + 4 + 1, forces + " fsyncs for 17 blocks: " + disk.events);
        assertEquals("force", disk.events.get(disk.events.size() - 1), "the end is made durable");
        assertEquals(content.length, l.lastDurable(0));
    }

    @Test
    void aDoneBodyIsMadeDurableAfterTheRunNotBeforeIt() throws Exception {
        byte[] content = randomBytes(300_000, 29);
        server.content = content;
        RecordingDisk disk = new RecordingDisk();
        Recorder l = new Recorder();
        CountDownLatch slowDisk = new CountDownLatch(1);
        try {
            disk.freeForces = 1; // the emptied file's, before the first byte (a new body is durable first)
            disk.holdForces = slowDisk; // every later fsync waits until the test lets it go
            ExecutorService runner = Executors.newSingleThreadExecutor();
            Future<Outcome> outcome = runner.submit(() -> new RecordDownload(http,
                    settings.withDisk(disk).withSync(Duration.ofHours(1), 1L << 40), request(), null, List.of(), l,
                    RateLimiter.unlimited(), new Cancellation()).run());

            assertEquals(new Outcome.Done(content.length), outcome.get(10, TimeUnit.SECONDS),
                    "the run ends with its last byte, while the disk has not synced it");
            runner.shutdown();
            assertArrayEquals(content, Files.readAllBytes(bodyFile));
            assertTrue(l.lastDurable(0) < content.length, "not marked durable before its fsync");
            assertFalse(RecordDownload.awaitLateSyncs(Duration.ofMillis(50)), "the late sync waits for the disk");
        } finally {
            slowDisk.countDown();
        }
        assertTrue(RecordDownload.awaitLateSyncs(Duration.ofSeconds(10)));
        assertEquals(content.length, l.lastDurable(0), "marked durable once the fsync returned");
        assertEquals("force", disk.events.get(disk.events.size() - 1));
    }

    @Test
    void aRestartIsDurableBeforeTheNewBodysFirstByte() throws Exception {
        byte[] oldVersion = randomBytes(200_000, 27);
        byte[] content = randomBytes(150_000, 28);
        server.content = content;
        server.etag = "\"v2\"";
        writeBody(prefix(oldVersion, 80_000));
        RecordingDisk disk = new RecordingDisk();
        Recorder l = new Recorder();
        l.events = disk.events;

        Outcome outcome = new RecordDownload(http, settings.withDisk(disk), request(), storedHead(oldVersion.length, ETAG, null),
                List.of(new Segment(0, 0, oldVersion.length, 80_000)), l, RateLimiter.unlimited(), new Cancellation()).run();

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        List<String> events = new ArrayList<>(disk.events);
        int planned = events.indexOf("planned");
        int firstWrite = events.indexOf("write");
        assertTrue(planned > 0 && firstWrite > planned, "the new plan (a forced commit) comes before any new byte: " + events);
        List<String> before = events.subList(0, planned);
        assertTrue(before.lastIndexOf("force") > before.lastIndexOf("truncate") && before.contains("truncate"),
                "the file was emptied and that made durable before the new plan: " + events);
    }

    @Test
    void aFirstBodyIsNotFsyncedEmptyBeforeItsPlan() throws Exception {
        byte[] content = randomBytes(150_000, 30);
        server.content = content;
        RecordingDisk disk = new RecordingDisk();
        Recorder l = new Recorder();
        l.firstBody = true;
        l.events = disk.events;

        Outcome outcome = new RecordDownload(http, settings.withDisk(disk), request(), null, List.of(), l,
                RateLimiter.unlimited(), new Cancellation()).run();

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        List<String> events = new ArrayList<>(disk.events);
        int planned = events.indexOf("planned");
        assertTrue(planned > 0 && !events.subList(0, planned).contains("force"),
                "no earlier body described: no fsync of the empty file before the plan: " + events);
        assertTrue(RecordDownload.awaitLateSyncs(Duration.ofSeconds(10)));
        assertEquals("force", disk.events.get(disk.events.size() - 1), "the body itself is still made durable: "
                + disk.events);
    }

    @Test
    void bytesPastTheDurableMarkAreKeptWhereTheirChecksumsMatch() throws Exception {
        byte[] content = randomBytes(300_000, 29);
        server.content = content;
        int block = 64 << 10;
        int written = 200_000; // blocks 0-2 whole, block 3 up to 200 000
        byte[] onDisk = prefix(content, written);
        java.util.Arrays.fill(onDisk, 2 * block, 2 * block + 10, (byte) 0); // block 2 lost in a power cut
        writeBody(onDisk);
        Recorder l = new Recorder();
        Segment stored = new Segment(0, 0, content.length, written, block, block, crcs(content, block, written));

        Outcome outcome = run(request(), storedHead(content.length, ETAG, null), List.of(stored), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(List.of(List.of(0, 2 * block)), l.cutBacks, "block 1 matched, block 2 did not");
        assertTrue(server.log.peek().range().startsWith("bytes=" + 2 * block + "-"), server.log.peek().range());
    }

    @Test
    void afterAKillEveryRecordedBlockStillMatchesAndNothingIsFetchedAgain() throws Exception {
        byte[] content = randomBytes(300_000, 30);
        server.content = content;
        int block = 64 << 10;
        int written = 200_000;
        writeBody(prefix(content, written)); // the page cache kept every write
        Recorder l = new Recorder();
        Segment stored = new Segment(0, 0, content.length, written, 0, block, crcs(content, block, written));

        Outcome outcome = run(request(), storedHead(content.length, ETAG, null), List.of(stored), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(List.of(), l.cutBacks);
        assertTrue(server.log.peek().range().startsWith("bytes=" + written + "-"), server.log.peek().range());
        assertEquals(content.length - written, l.arrived.get());
    }

    @Test
    void recordedBytesWithoutAChecksumAreNotTrusted() throws Exception {
        byte[] content = randomBytes(300_000, 31);
        server.content = content;
        int block = 64 << 10;
        int written = 200_000;
        writeBody(prefix(content, written));
        long[] crcs = crcs(content, block, written);
        crcs[1] = Segment.NO_CRC; // its progress commit was lost, a later one survived
        Recorder l = new Recorder();

        Outcome outcome = run(request(), storedHead(content.length, ETAG, null),
                List.of(new Segment(0, 0, content.length, written, 0, block, crcs)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(List.of(List.of(0, block)), l.cutBacks);
    }

    /** The CRC32C of each block of {@code content} up to {@code written}, as the store keeps them. */
    private static long[] crcs(byte[] content, int block, int written) {
        int n = (written + block - 1) / block;
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(content, i * block, Math.min(block, written - i * block));
            out[i] = crc.getValue();
        }
        return out;
    }
}
