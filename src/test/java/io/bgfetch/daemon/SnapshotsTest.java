package io.bgfetch.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.lifecycle.FailureReason;
import io.bgfetch.lifecycle.FetchResult;
import io.bgfetch.lifecycle.Transitions.FetchMove;
import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.protocol.RecordInfo;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.RequestSpec;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.FetchStore;
import io.bgfetch.store.NewFetch;
import io.bgfetch.store.PlacedFile;
import io.bgfetch.store.PreviousResponse;
import io.bgfetch.store.RecordRow;
import io.bgfetch.store.SegmentRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotsTest {
    @TempDir
    Path tmp;

    private FetchStore store;
    private BodyPaths paths;
    private Snapshots snapshots;
    private long key;

    @BeforeEach
    void setUp() throws Exception {
        store = FetchStore.open(tmp.resolve("bgfetch.db"));
        paths = new BodyPaths(tmp.resolve("store"));
        snapshots = new Snapshots(store, paths);
        FetchOptions options = new FetchOptions("Snap title", null, 1000, List.of(), "GET", null, tmp.resolve("dest").toString(), null,
                null, null, false, false, 1, 1, 0, 60_000, null);
        key = store.register(new NewFetch("snap", options, List.of(new RequestSpec("https://h/done.bin"),
                new RequestSpec("https://h/partial.bin"), new RequestSpec("https://h/failed.bin")), 0))[0];
        // record 0: complete, 100 bytes
        store.saveHead(key, 0, 200, "OK", "{\"content-type\":\"audio/mpeg\",\"etag\":\"\\\"x\\\"\"}", 100, "\"x\"", null);
        store.replaceSegments(key, 0, List.of(new SegmentRow(0, 0, 100, 100)));
        store.states().completeRecord(key, 0, 100);
        // record 1: two segments, 30 of [0,50) and 20 of [50,100)
        store.saveHead(key, 1, 200, "OK", "{}", 100, "\"y\"", null);
        store.replaceSegments(key, 1, List.of(new SegmentRow(0, 0, 50, 30), new SegmentRow(1, 50, 100, 20)));
        // record 2: failed, with leftovers that must not count
        store.replaceSegments(key, 2, List.of(new SegmentRow(0, 0, 100, 70)));
        store.states().failRecord(key, 2, FailureReason.BAD_STATUS, "HTTP 404");
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private FetchRow fetch() {
        return store.find(key).orElseThrow();
    }

    private RecordRow row(int idx) {
        return store.records(key).get(idx);
    }

    /** The fetch has --dest: its bodies arrive in part files there. */
    private void writeBody(int idx, int size) throws IOException {
        Path body = paths.download(fetch(), idx);
        Files.createDirectories(body.getParent());
        Files.write(body, new byte[size]);
    }

    @Test
    void storedBytesCountCompleteBodiesWholeAndOthersAsCheckpointedButNotFailedOnes() {
        assertEquals(100 + 30 + 20, Snapshots.storedBytes(store.tallies(key)));
    }

    @Test
    void registrationOfAFetchThatIsNotRunning() {
        FetchRow f = store.find(key).orElseThrow();

        Registration reg = snapshots.registration(f, null);

        assertEquals("snap", reg.id());
        assertEquals("Snap title", reg.title());
        assertEquals("queued", reg.state());
        assertEquals("", reg.result());
        assertEquals("", reg.failureReason());
        assertEquals(150, reg.downloaded());
        assertEquals(1000, reg.downloadTotal());
        assertEquals(3, reg.requests());
        assertEquals(1, reg.completed());
        assertTrue(reg.recordsAvailable());
        assertEquals(f.createdAt(), reg.createdAt());
        assertNull(reg.finishedAt());
        assertNull(reg.nextAttemptAt());
        assertEquals(tmp.resolve("dest").toString(), reg.dest());
        assertEquals(0, reg.bytesPerSecond());
    }

    @Test
    void registrationWithNothingCompleteHasNoRecordsAvailable() throws Exception {
        long other = store.register(new NewFetch("empty", FetchOptions.DEFAULTS,
                List.of(new RequestSpec("https://h/x")), 0))[0];
        Registration reg = snapshots.registration(store.find(other).orElseThrow(), null);
        assertEquals(0, reg.completed());
        assertFalse(reg.recordsAvailable());
        assertEquals(0, reg.downloaded());
        assertEquals("", reg.title());
    }

    @Test
    void aFinishedRegistrationCarriesItsResult() {
        store.states().end(key, FetchMove.END, FetchResult.FAILURE, FailureReason.BAD_STATUS, "HTTP 404");
        Registration reg = snapshots.registration(store.find(key).orElseThrow(), null);
        assertEquals("done", reg.state());
        assertEquals("failure", reg.result());
        assertEquals("bad-status", reg.failureReason());
        assertEquals("HTTP 404", reg.message());
        assertTrue(reg.finishedAt() != null && !reg.finishedAt().isEmpty());
    }

    @Test
    void aDoneRecord() throws IOException {
        writeBody(0, 100);

        RecordInfo info = snapshots.record(fetch(), row(0), null);

        assertEquals("https://h/done.bin", info.url());
        assertEquals("GET", info.method());
        assertEquals("done", info.state());
        assertEquals(200, info.status());
        assertEquals(Map.of("content-type", "audio/mpeg", "etag", "\"x\""), info.headers());
        assertEquals(100, info.size());
        assertEquals(100, info.downloaded());
        assertEquals(100, info.available());
        assertEquals(paths.part(fetch(), 0).toString(), info.path(), "a --dest body arrives in its part file");
    }

    @Test
    void aPartialRecordIsPendingWithItsContiguousPrefixAvailable() throws IOException {
        writeBody(1, 100);

        RecordInfo info = snapshots.record(fetch(), row(1), null);

        assertEquals("pending", info.state(), "not running: pending, whatever the stored state");
        assertEquals(50, info.downloaded());
        assertEquals(30, info.available(), "segment 1's bytes follow a gap");
        assertEquals(paths.part(fetch(), 1).toString(), info.path());
    }

    @Test
    void aRecordWithoutABodyFileHasNoPath() {
        assertNull(snapshots.record(fetch(), row(1), null).path());
    }

    @Test
    void aFailedRecordHasNoPathEvenWithLeftoverBytes() throws IOException {
        writeBody(2, 70);

        RecordInfo info = snapshots.record(fetch(), row(2), null);

        assertEquals("failed", info.state());
        assertNull(info.path());
        assertEquals("HTTP 404", info.error());
    }

    @Test
    void headersJsonIsReadLeniently() {
        assertEquals(Map.of(), Snapshots.headers(null));
        assertEquals(Map.of(), Snapshots.headers(""));
        assertEquals(Map.of(), Snapshots.headers("not json"));
        assertEquals(Map.of("a", "1", "b", "x, y"), Snapshots.headers("{\"a\":\"1\",\"b\":\"x, y\"}"));
        assertEquals(List.of("z", "a"), List.copyOf(Snapshots.headers("{\"z\":\"1\",\"a\":\"2\"}").keySet()),
                "order is kept");
    }

    // ---- sizes are never negative; the total a display may use ----------------------------------

    @Test
    void aFailedRecordsSizeIsZeroNotMinusOne() {
        assertEquals(-1, row(2).size(), "stored: unknown");
        assertEquals(0, snapshots.record(fetch(), row(2), null).size());
    }

    @Test
    void sizeWhileArrivingIsTheAnnouncedLengthOrZero() throws Exception {
        long k = store.register(new NewFetch("sizes", FetchOptions.DEFAULTS, List.of(new RequestSpec("https://h/a"),
                new RequestSpec("https://h/b"), new RequestSpec("https://h/c"), new RequestSpec("https://h/d")), 0))[0];
        store.saveHead(k, 1, 200, "OK", "{}", 5000, null, null);         // announced
        store.saveHead(k, 2, 200, "OK", "{}", -1, null, null);           // no length
        store.saveHead(k, 3, 503, "Service Unavailable", "{}", 22, null, null); // an error it will retry
        List<RecordRow> rows = store.records(k);

        assertEquals(0, snapshots.record(store.find(k).orElseThrow(), rows.get(0), null).size(), "no response yet");
        assertEquals(5000, snapshots.record(store.find(k).orElseThrow(), rows.get(1), null).size());
        assertEquals(0, snapshots.record(store.find(k).orElseThrow(), rows.get(2), null).size(), "unknown length");
        assertEquals(0, snapshots.record(store.find(k).orElseThrow(), rows.get(3), null).size(), "an error page is not the body");
    }

    @Test
    void aCompleteBodyOfUnannouncedLengthHasItsStoredSize() throws Exception {
        long k = store.register(new NewFetch("chunked", FetchOptions.DEFAULTS, List.of(new RequestSpec("https://h/a")), 0))[0];
        store.saveHead(k, 0, 200, "OK", "{}", -1, null, null);
        store.replaceSegments(k, 0, List.of(new SegmentRow(0, 0, 777, 777)));
        store.states().completeRecord(k, 0, 777);

        RecordInfo info = snapshots.record(store.find(k).orElseThrow(), store.records(k).get(0), null);
        assertEquals(777, info.size());
        assertEquals(777, info.downloaded());
        assertFalse(info.notModified());
    }

    @Test
    void aRecordKeptByARecheckSaysNotModified() throws Exception {
        PreviousResponse prev = new PreviousResponse(200, "OK", "{}", 10, "\"v\"", null, null);
        long k = store.register(new NewFetch("recheck", FetchOptions.DEFAULTS, List.of(new RequestSpec("https://h/a")),
                0, List.of(prev)))[0];
        store.states().keepPrevious(k, 0, prev);

        RecordInfo info = snapshots.record(store.find(k).orElseThrow(), store.records(k).get(0), null);
        assertTrue(info.notModified());
        assertEquals("done", info.state());
        assertEquals(10, info.size());
    }

    // ---- a body --dest placed is the user's file ------------------------------------------------

    /** Record 0 placed at DEST/done.bin as bgfetch leaves it: 100 bytes and their time. */
    private Path placeRecord0() throws IOException {
        Path placed = Files.createDirectories(tmp.resolve("dest")).resolve("done.bin");
        Files.write(placed, new byte[100]);
        store.setPlacements(key, List.of(new PlacedFile(0, placed.toString(), Files.getLastModifiedTime(placed).toMillis())));
        return placed;
    }

    @Test
    void aPlacedRecordsBodyIsThePlacedFile() throws IOException {
        Path placed = placeRecord0();

        RecordInfo info = snapshots.record(fetch(), row(0), null);

        assertEquals(placed.toString(), info.path(), "written once: no copy in the store");
        assertEquals(placed.toString(), info.destPath());
        assertEquals("", info.error());
        assertFalse(Files.exists(paths.body(key, 0)));
    }

    @Test
    void aPlacedFileTheUserChangedOrRemovedIsNoBodyAndSaysWhy() throws IOException {
        Path placed = placeRecord0();
        Files.write(placed, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

        RecordInfo changed = snapshots.record(fetch(), row(0), null);
        assertEquals("done", changed.state());
        assertNull(changed.path());
        assertTrue(changed.error().contains("changed since"), changed.error());

        Files.write(placed, new byte[100]);
        Files.setLastModifiedTime(placed, java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
        assertNull(snapshots.record(fetch(), row(0), null).path(), "same size, another time: changed");

        Files.delete(placed);
        RecordInfo removed = snapshots.record(fetch(), row(0), null);
        assertNull(removed.path());
        assertTrue(removed.error().contains("removed"), removed.error());
    }

    @Test
    void expectedTotalIsDownloadTotalWhenGiven() {
        assertEquals(1000, Snapshots.expectedTotal(store.find(key).orElseThrow(), store.tallies(key)));
    }

    @Test
    void expectedTotalSumsKnownSizesAndIsUnknownWhileAnyIsUnknown() throws Exception {
        long k = store.register(new NewFetch("total", FetchOptions.DEFAULTS, List.of(new RequestSpec("https://h/a"),
                new RequestSpec("https://h/b"), new RequestSpec("https://h/c")), 0))[0];
        FetchRow f = store.find(k).orElseThrow();
        store.saveHead(k, 0, 200, "OK", "{}", -1, null, null);
        store.states().completeRecord(k, 0, 300);                          // done, length learnt at the end
        store.saveHead(k, 1, 200, "OK", "{}", 200, null, null);   // arriving, announced
        assertEquals(0, Snapshots.expectedTotal(f, store.tallies(k)), "record 2 has no response yet");

        store.saveHead(k, 2, 503, "Service Unavailable", "{}", 22, null, null);
        assertEquals(0, Snapshots.expectedTotal(f, store.tallies(k)), "an error page says nothing of the body");

        store.saveHead(k, 2, 200, "OK", "{}", -1, null, null);
        assertEquals(0, Snapshots.expectedTotal(f, store.tallies(k)), "a body without a length");

        store.saveHead(k, 2, 200, "OK", "{}", 50, null, null);
        assertEquals(550, Snapshots.expectedTotal(f, store.tallies(k)));

        store.states().failRecord(k, 1, FailureReason.FETCH_ERROR, "gone");
        assertEquals(350, Snapshots.expectedTotal(f, store.tallies(k)), "a failed record counts as 0");
    }

    @Test
    void aFetchThatIsNotRunningHasNoTransfers() {
        assertEquals(List.of(), snapshots.registration(store.find(key).orElseThrow(), null).transfers());
    }
}
