package io.bgfetch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.lifecycle.FailureReason;
import io.bgfetch.lifecycle.FetchResult;
import io.bgfetch.lifecycle.FetchState;
import io.bgfetch.lifecycle.RecordState;
import io.bgfetch.lifecycle.Transitions.FetchMove;
import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.protocol.NetworkOptions;
import io.bgfetch.protocol.RequestSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetchStoreTest {
    @TempDir
    Path tmp;

    private Path dbFile;
    private FetchStore store;

    @BeforeEach
    void open() throws IOException {
        dbFile = tmp.resolve("bgfetch.db");
        store = FetchStore.open(dbFile);
    }

    @AfterEach
    void close() {
        store.close();
    }

    static FetchOptions options(String id, boolean replace) {
        return new FetchOptions("Title " + id, null, 78_643_200, List.of("Authorization: Bearer secret", "X-A: 1"),
                "GET", null, "/tmp/dest", "echo ok", "echo fail", null, true, replace, 2, 4, 500_000, 86_400_000,
                new NetworkOptions("http://u:p@proxy:3128", null, "localhost", null, false));
    }

    static NewFetch fetch(String id, boolean replace, String... urls) {
        List<RequestSpec> records = new java.util.ArrayList<>();
        for (int i = 0; i < urls.length; i++) {
            records.add(new RequestSpec(urls[i], i == 0 ? "ab".repeat(32) : null, i == 0 ? "first.bin" : null,
                    i == 0 ? "user:secret" : null));
        }
        return new NewFetch(id, options(id, replace), records, 0);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void registerThenFindByIdAndKey() throws Exception {
        long[] keys = store.register(fetch("podcast-42", false, "https://example.org/42.mp3", "https://example.org/43.mp3"));
        long key = keys[0];
        assertEquals(-1, keys[1], "nothing replaced");

        FetchRow byId = store.find("podcast-42").orElseThrow();
        FetchRow byKey = store.find(key).orElseThrow();
        assertEquals(byId, byKey);
        assertEquals(key, byId.key());
        assertEquals("podcast-42", byId.id());
        assertEquals("Title podcast-42", byId.title());
        assertEquals(FetchState.QUEUED, byId.state());
        assertNull(byId.result());
        assertNull(byId.failureReason());
        assertEquals(78_643_200, byId.downloadTotal());
        assertEquals(options("podcast-42", false), byId.options(), "options survive the JSON column");
        assertNotNull(Instant.parse(byId.createdAt()));
        assertNull(byId.finishedAt());
        assertFalse(byId.hooksPending());

        List<RecordRow> records = store.records(key);
        assertEquals(2, records.size());
        RecordRow r0 = records.get(0);
        assertEquals(0, r0.idx());
        assertEquals("https://example.org/42.mp3", r0.url());
        assertEquals("GET", r0.method());
        assertEquals("ab".repeat(32), r0.sha256());
        assertEquals("first.bin", r0.outName());
        assertEquals(RecordState.PENDING, r0.state());
        assertEquals(0, r0.status());
        assertEquals(-1, r0.size());
        assertEquals("{}", r0.headersJson());
        assertNull(r0.failureReason());
        assertEquals(0, r0.integrityRetries());
        assertEquals(1, records.get(1).idx());
        assertNull(records.get(1).sha256());
        assertNull(records.get(1).outName());

        assertTrue(store.find("podcast-43").isEmpty());
        assertTrue(store.find(key + 1000).isEmpty());
    }

    @Test
    void idsRoundTripExactly() throws Exception {
        String id = "  ünïcødé 🎧 / ../x '\"; DROP TABLE fetches; --  ";
        long key = store.register(fetch(id, false, "https://h/a"))[0];
        assertEquals(id, store.find(key).orElseThrow().id());
        assertTrue(store.find(id).isPresent());
        assertTrue(store.find(id.strip()).isEmpty());
    }

    @Test
    void aDuplicateActiveIdConflicts() throws Exception {
        long key = store.register(fetch("dup", false, "https://h/a"))[0];
        assertThrows(ConflictException.class, () -> store.register(fetch("dup", false, "https://h/b", "https://h/c")));
        assertThrows(ConflictException.class, () -> store.register(fetch("dup", true, "https://h/b")),
                "replace never replaces an active fetch");
        assertTrue(store.states().move(key, FetchMove.START));
        assertThrows(ConflictException.class, () -> store.register(fetch("dup", true, "https://h/b")));
        assertTrue(store.states().move(key, FetchMove.PAUSE));
        assertThrows(ConflictException.class, () -> store.register(fetch("dup", true, "https://h/b")));

        assertEquals(1, store.list(true).size(), "the rejected fetches left nothing behind");
        assertEquals(List.of("https://h/a"), store.records(key).stream().map(RecordRow::url).toList());
    }

    @Test
    void aFinishedIdConflictsWithoutReplaceAndIsReplacedWithIt() throws Exception {
        long oldKey = store.register(fetch("done-once", false, "https://h/old1", "https://h/old2"))[0];
        store.replaceSegments(oldKey, 0, List.of(new SegmentRow(0, 0, 10, 10)));
        store.states().end(oldKey, FetchMove.END, FetchResult.SUCCESS, null, "");

        assertThrows(ConflictException.class, () -> store.register(fetch("done-once", false, "https://h/new")));
        assertEquals(oldKey, store.find("done-once").orElseThrow().key(), "still the old one");

        long[] keys = store.register(fetch("done-once", true, "https://h/new"));

        assertEquals(oldKey, keys[1], "the replaced key is returned so its bodies can be removed");
        assertNotEquals(oldKey, keys[0]);
        assertTrue(store.find(oldKey).isEmpty());
        assertEquals(List.of(), store.records(oldKey));
        assertEquals(List.of(), store.segments(oldKey, 0));
        FetchRow now = store.find("done-once").orElseThrow();
        assertEquals(keys[0], now.key());
        assertEquals(FetchState.QUEUED, now.state());
        assertEquals(List.of("https://h/new"), store.records(keys[0]).stream().map(RecordRow::url).toList());
    }

    @Test
    void segmentsAreReplacedAndCheckpointed() throws Exception {
        long key = store.register(fetch("segs", false, "https://h/a", "https://h/b"))[0];
        assertEquals(List.of(), store.segments(key, 0));

        store.replaceSegments(key, 0, List.of(new SegmentRow(0, 0, 1000, 0), new SegmentRow(1, 1000, 2000, 0)));
        store.checkpoint(key, 0, 1, 400, 2000);
        store.checkpoint(key, 0, 0, 1000, 1000);
        assertEquals(List.of(new SegmentRow(0, 0, 1000, 1000), new SegmentRow(1, 1000, 2000, 400)),
                store.segments(key, 0));
        assertTrue(store.segments(key, 0).get(0).isComplete());
        assertFalse(store.segments(key, 0).get(1).isComplete());
        assertEquals(List.of(), store.segments(key, 1), "segments belong to one record");

        store.replaceSegments(key, 0, List.of(new SegmentRow(0, 0, -1, 0)));
        store.checkpoint(key, 0, 0, 5000, 5000);
        assertEquals(List.of(new SegmentRow(0, 0, 5000, 5000)), store.segments(key, 0), "an open end is fixed by a checkpoint");

        store.replaceSegments(key, 0, List.of());
        assertEquals(List.of(), store.segments(key, 0), "an empty plan forgets the body");
    }

    @Test
    void aSplitIsStoredAsTwoSegmentsCoveringTheOldRange() throws Exception {
        long key = store.register(fetch("split", false, "https://h/a"))[0];
        store.replaceSegments(key, 0, List.of(new SegmentRow(0, 0, 1000, 0), new SegmentRow(1, 1000, 2000, 0)));
        store.checkpoint(key, 0, 1, 100, 2000);

        store.splitSegment(key, 0, 1, 1600, new SegmentRow(2, 1600, 2000, 0, 0, 64));
        store.progress(key, 0, 2, 50, 2000, 64, 0, 7);

        assertEquals(List.of(new SegmentRow(0, 0, 1000, 0), new SegmentRow(1, 1000, 1600, 100),
                new SegmentRow(2, 1600, 2000, 50, 0, 64)), store.segments(key, 0),
                "the split segment ends where the new one starts; the new one's progress is kept");
        assertEquals(1, store.blocks(key, 0).stream().filter(b -> b.seg() == 2).count(), "with its block's checksum");
    }

    @Test
    void sixtyFourBitOffsetsSurvive() throws Exception {
        long key = store.register(fetch("big", false, "https://h/a"))[0];
        long five = 5L << 30;
        store.replaceSegments(key, 0, List.of(new SegmentRow(0, 0, five, 0), new SegmentRow(1, five, 2 * five, 0)));
        store.checkpoint(key, 0, 1, five - 1, 2 * five);
        assertEquals(new SegmentRow(1, five, 2 * five, five - 1), store.segments(key, 0).get(1));
    }

    @Test
    void recordUpdatesRoundTrip() throws Exception {
        long key = store.register(fetch("rec", false, "https://h/a", "https://h/b"))[0];
        store.saveHead(key, 0, 200, "OK", "{\"content-type\":\"audio/mpeg\"}", 78_000_000, "\"e1\"",
                "Wed, 21 Oct 2015 07:28:00 GMT");
        store.countIntegrityRetry(key, 0);
        store.setPlacements(key, List.of(new PlacedFile(0, "/dest/a", PlacedFile.PLACING)));
        assertTrue(store.states().failRecord(key, 1, FailureReason.BAD_STATUS, "HTTP 404 Not Found"));
        store.setUploaded(key, 1234);

        RecordRow r0 = store.records(key).get(0);
        assertEquals(RecordState.PENDING, r0.state());
        assertEquals(200, r0.status());
        assertEquals("OK", r0.statusText());
        assertEquals("{\"content-type\":\"audio/mpeg\"}", r0.headersJson());
        assertEquals(78_000_000, r0.size());
        assertEquals("\"e1\"", r0.etag());
        assertEquals("Wed, 21 Oct 2015 07:28:00 GMT", r0.lastModified());
        assertEquals(1, r0.integrityRetries());
        assertEquals("/dest/a", r0.destPath());
        assertTrue(r0.isPlacing());
        assertFalse(r0.isPlaced());
        RecordRow r1 = store.records(key).get(1);
        assertEquals(RecordState.FAILED, r1.state());
        assertEquals(FailureReason.BAD_STATUS, r1.failureReason());
        assertEquals("HTTP 404 Not Found", r1.error());
        assertTrue(r1.isFinished());
        assertFalse(r1.isDone());
        assertEquals(1234, store.find(key).orElseThrow().uploaded());
    }

    @Test
    void talliesAgreeWithTheFullRowsAndTheirSegments() throws Exception {
        long key = store.register(fetch("tally", false, "https://h/a", "https://h/b", "https://h/c"))[0];
        store.saveHead(key, 0, 200, "OK", "{}", 100, null, null);
        store.replaceSegments(key, 0, List.of(new SegmentRow(0, 0, 50, 50), new SegmentRow(1, 50, 100, 20)));
        store.states().completeRecord(key, 1, 7);
        store.states().failRecord(key, 2, FailureReason.BAD_STATUS, "HTTP 404");

        List<RecordTally> t = store.tallies(key);

        assertEquals(List.of(new RecordTally(0, RecordState.PENDING, 200, 100, 70),
                new RecordTally(1, RecordState.DONE, 0, 7, 0), new RecordTally(2, RecordState.FAILED, 0, -1, 0)), t);
        assertEquals(70 + 7, t.stream().mapToLong(RecordTally::bytesStored).sum());
        assertEquals(store.records(key).get(1), store.record(key, 1).orElseThrow());
        assertTrue(store.record(key, 3).isEmpty());
    }

    @Test
    void aBodyStartsWithItsHeadAndPlanInOneCommitAndForgetsItsPreviousResponse() throws Exception {
        PreviousResponse prev = new PreviousResponse(200, "OK", "{}", 10, "\"old\"", null, null);
        long key = store.register(new NewFetch("start", options("start", false), List.of(new RequestSpec("https://h/a")),
                0, List.of(prev)))[0];
        store.replaceSegments(key, 0, List.of(new SegmentRow(0, 0, 10, 10)));

        long generation = store.startBody(key, 0, new FetchStore.StoredHead(200, "OK", "{\"etag\":\"\\\"new\\\"\"}", 300,
                "\"new\"", null), List.of(new SegmentRow(0, 0, 150, 0), new SegmentRow(1, 150, 300, 0)));

        RecordRow r = store.records(key).get(0);
        assertEquals(300, r.size());
        assertEquals("\"new\"", r.etag());
        assertNull(r.previous(), "a new body replaces the previous one");
        assertEquals(1, generation, "the new body's generation, in the same commit");
        assertEquals(1, r.generation());
        assertEquals(List.of(new SegmentRow(0, 0, 150, 0), new SegmentRow(1, 150, 300, 0)), store.segments(key, 0));
    }

    @Test
    void placementsAreStoredForManyRecordsAtOnce() throws Exception {
        long key = store.register(fetch("placed", false, "https://h/a", "https://h/b", "https://h/c"))[0];

        store.setPlacements(key, List.of(new PlacedFile(0, "/dest/a", 1_700_000_000_123L),
                new PlacedFile(2, "/dest/c", 5L)));

        List<RecordRow> rows = store.records(key);
        assertTrue(rows.get(0).isPlaced());
        assertEquals(1_700_000_000_123L, rows.get(0).destMtime());
        assertNull(rows.get(1).destPath());
        assertNull(rows.get(1).destMtime(), "not placed: null, not 0");
        assertFalse(rows.get(1).isPlaced());
        assertEquals("/dest/c", rows.get(2).destPath());
    }

    @Test
    void finishSetsHooksPendingUntilTheHooksAreDone() throws Exception {
        long a = store.register(fetch("a", false, "https://h/a"))[0];
        long b = store.register(fetch("b", false, "https://h/b"))[0];
        assertEquals(List.of(), store.withPendingHooks());
        assertEquals(2, store.list(false).size());

        assertTrue(store.states().end(a, FetchMove.END, FetchResult.FAILURE, FailureReason.BAD_STATUS, "HTTP 404"));

        FetchRow done = store.find(a).orElseThrow();
        assertEquals(FetchState.DONE, done.state());
        assertTrue(done.isDone());
        assertEquals(FetchResult.FAILURE, done.result());
        assertEquals(FailureReason.BAD_STATUS, done.failureReason());
        assertEquals("HTTP 404", done.message());
        assertNotNull(Instant.parse(done.finishedAt()));
        assertTrue(done.hooksPending());
        assertEquals(List.of(a), store.withPendingHooks().stream().map(FetchRow::key).toList());
        assertEquals(List.of(b), store.list(false).stream().map(FetchRow::key).toList(), "list shows active ones");
        assertEquals(List.of(a, b), store.list(true).stream().map(FetchRow::key).toList(), "--all, oldest first");

        store.hooksDone(a);

        assertFalse(store.find(a).orElseThrow().hooksPending());
        assertEquals(List.of(), store.withPendingHooks());
    }

    @Test
    void deleteCascadesToRecordsAndSegments() throws Exception {
        long key = store.register(fetch("gone", false, "https://h/a", "https://h/b"))[0];
        long other = store.register(fetch("kept", false, "https://h/c"))[0];
        store.replaceSegments(key, 0, List.of(new SegmentRow(0, 0, 10, 5)));
        store.replaceSegments(key, 1, List.of(new SegmentRow(0, 0, 10, 5)));
        store.replaceSegments(other, 0, List.of(new SegmentRow(0, 0, 10, 5)));

        store.delete(key);

        assertTrue(store.find(key).isEmpty());
        assertTrue(store.find("gone").isEmpty());
        assertEquals(List.of(), store.records(key));
        assertEquals(List.of(), store.segments(key, 0));
        assertEquals(List.of(), store.segments(key, 1));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM segments WHERE fetch_key = " + key)) {
            assertEquals(0, rs.getInt(1), "no orphan segment rows");
        }
        assertEquals(1, store.records(other).size(), "other fetches are untouched");
        assertEquals(1, store.segments(other, 0).size());
    }

    @Test
    void theDatabaseAndItsWalAndShmAreOwnerOnly() throws Exception {
        store.register(fetch("x", false, "https://h/a"));
        assertEquals("rw-------", mode(dbFile));
        Path wal = Path.of(dbFile + "-wal");
        Path shm = Path.of(dbFile + "-shm");
        assertTrue(Files.exists(wal) && Files.exists(shm), "WAL mode");
        assertEquals("rw-------", mode(wal));
        assertEquals("rw-------", mode(shm));
    }

    @Test
    void anExistingDatabaseFileWithAWideModeIsRestricted() throws Exception {
        Path other = tmp.resolve("wide.db");
        Files.createFile(other);
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (FetchStore s = FetchStore.open(other)) {
            s.register(fetch("x", false, "https://h/a"));
        }
        assertEquals("rw-------", mode(other));
    }

    @Test
    void aVersion1DatabaseIsMigratedWithItsOptionsAndRequests() throws Exception {
        store.close();
        Path old = tmp.resolve("v1.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old); Statement st = c.createStatement()) {
            Schema.migrate(c, 1);
            st.executeUpdate("""
                    INSERT INTO fetches (key, id, title, icon, state, download_total, options, created_at)
                    VALUES (7, 'old', 'Old title', '/i.png', 'active', 5000,
                            '{"headers":["X-A: 1"],"method":"GET","uploadFile":null,"dest":"/d","onSuccess":"echo",
                              "onFail":null,"onAbort":null,"desktopNotify":true,"jobs":3,"connections":2,
                              "limitRate":100,"retryForMillis":60000}', '2026-11-01T00:00:00Z')""");
            st.executeUpdate("""
                    INSERT INTO records (fetch_key, idx, url, method, sha256, out_name, state, size)
                    VALUES (7, 0, 'https://h/a.bin', 'GET', '%s', 'a.bin', 'done', 10),
                           (7, 1, 'https://h/b.bin', 'GET', NULL, NULL, 'pending', -1)""".formatted("cd".repeat(32)));
        }
        store = FetchStore.open(old);
        FetchRow row = store.find("old").orElseThrow();
        assertEquals("Old title", row.title());
        assertEquals("/i.png", row.icon());
        assertEquals(5000, row.downloadTotal());
        assertEquals(new FetchOptions("Old title", "/i.png", 5000, List.of("X-A: 1"), "GET", null, "/d", "echo", null,
                null, true, false, 3, 2, 100, 60000, NetworkOptions.DIRECT), row.options());
        List<RecordRow> records = store.records(7);
        assertEquals(new RequestSpec("https://h/a.bin", "cd".repeat(32), "a.bin", null), records.get(0).spec());
        assertEquals(new RequestSpec("https://h/b.bin"), records.get(1).spec());
        assertEquals(RecordState.DONE, records.get(0).state());
        assertEquals(10, records.get(0).size());
    }

    @Test
    void reopeningKeepsTheDataAndTheSchemaVersion() throws Exception {
        long key = store.register(fetch("persist", false, "https://h/a"))[0];
        store.replaceSegments(key, 0, List.of(new SegmentRow(0, 0, 100, 42)));
        store.close();

        for (int i = 0; i < 2; i++) {
            store = FetchStore.open(dbFile);
            assertEquals(key, store.find("persist").orElseThrow().key());
            assertEquals(List.of(new SegmentRow(0, 0, 100, 42)), store.segments(key, 0));
            store.close();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            assertEquals(5, rs.getInt(1));
        }
        store = FetchStore.open(dbFile);
        long next = store.register(fetch("after-reopen", false, "https://h/b"))[0];
        assertTrue(next > key, "keys keep growing");
    }

    @Test
    void aDatabaseFromANewerVersionIsRefused() throws Exception {
        store.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile);
             Statement st = c.createStatement()) {
            st.executeUpdate("PRAGMA user_version = 99");
        }
        IOException e = assertThrows(IOException.class, () -> FetchStore.open(dbFile));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
        store = FetchStore.open(tmp.resolve("fresh.db")); // for @AfterEach
    }

    @Test
    void keysAreNeverReusedAfterDelete() throws Exception {
        long a = store.register(fetch("a", false, "https://h/a"))[0];
        store.delete(a);
        long b = store.register(fetch("b", false, "https://h/b"))[0];
        assertTrue(b > a, "a reused key would find another fetch's bodies under store/KEY/");
    }

    // ---- --if-changed, sizes and sources (schema 3) -------------------------------------------

    @Test
    void aCompleteRecordStoresTheSizeOfItsBody() throws Exception {
        long key = store.register(fetch("sizes", false, "https://h/chunked"))[0];
        store.saveHead(key, 0, 200, "OK", "{}", -1, null, null);
        assertTrue(store.states().completeRecord(key, 0, 12_345));
        RecordRow r = store.records(key).get(0);
        assertEquals(RecordState.DONE, r.state());
        assertEquals(12_345, r.size(), "a length not announced is known once the body is complete");
    }

    @Test
    void aPreviousResponseIsStoredUntilABodyReplacesIt() throws Exception {
        PreviousResponse prev = new PreviousResponse(200, "OK", "{\"etag\":\"\\\"v1\\\"\"}", 10, "\"v1\"",
                "Wed, 21 Oct 2015 07:28:00 GMT", "/dest/a.bin");
        java.util.ArrayList<PreviousResponse> previous = new java.util.ArrayList<>();
        previous.add(null);
        previous.add(prev);
        NewFetch f = new NewFetch("recheck", options("recheck", true),
                List.of(new RequestSpec("https://h/new"), new RequestSpec("https://h/a.bin")), 0, previous);
        long key = store.register(f)[0];

        List<RecordRow> rows = store.records(key);
        assertNull(rows.get(0).previous());
        assertEquals(prev, rows.get(1).previous());
        assertEquals(0, rows.get(1).status(), "the record itself starts without a response");
        assertFalse(rows.get(1).notModified());

        store.saveHead(key, 1, 503, "Service Unavailable", "{}", 19, null, null);
        assertEquals(prev, store.records(key).get(1).previous(), "an error to retry keeps the previous response");

        store.saveHead(key, 1, 200, "OK", "{}", 20, "\"v2\"", null);
        assertNull(store.records(key).get(1).previous(), "a new body replaces it");
    }

    @Test
    void keepingThePreviousResponseMakesItTheRecordsAgain() throws Exception {
        PreviousResponse prev = new PreviousResponse(200, "OK", "{\"content-type\":\"text/plain\"}", 10, "\"v1\"",
                null, "/dest/a.bin");
        long key = store.register(new NewFetch("kept", options("kept", true), List.of(new RequestSpec("https://h/a")),
                0, List.of(prev)))[0];
        store.saveHead(key, 0, 503, "Service Unavailable", "{}", 19, null, null);

        assertTrue(store.states().keepPrevious(key, 0, prev));

        RecordRow r = store.records(key).get(0);
        assertEquals(RecordState.DONE, r.state());
        assertTrue(r.notModified());
        assertNull(r.previous());
        assertEquals(200, r.status());
        assertEquals("{\"content-type\":\"text/plain\"}", r.headersJson());
        assertEquals(10, r.size());
        assertEquals("\"v1\"", r.etag());
        assertEquals("/dest/a.bin", r.destPath());
        assertEquals(List.of(new SegmentRow(0, 0, 10, 10)), store.segments(key, 0), "the whole body is stored");
    }

    @Test
    void theSourceInUseIsStored() throws Exception {
        long key = store.register(fetch("mirrored", false, "https://h/a"))[0];
        assertEquals(0, store.records(key).get(0).source());
        store.setSource(key, 0, 2);
        assertEquals(2, store.records(key).get(0).source());
    }

    @Test
    void mirrorsAreStoredWithTheRequest() throws Exception {
        RequestSpec spec = new RequestSpec("https://h/a", null, null, null, List.of("https://m1/a", "http://m2/a"));
        long key = store.register(new NewFetch("m", FetchOptions.DEFAULTS, List.of(spec), 0))[0];
        assertEquals(spec, store.records(key).get(0).spec());
    }

    @Test
    void aVersion2DatabaseIsMigratedAndItsRequestsHaveNoMirrors() throws Exception {
        store.close();
        Path old = tmp.resolve("v2.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old); Statement st = c.createStatement()) {
            Schema.migrate(c, 2);
            st.executeUpdate("""
                    INSERT INTO fetches (key, id, state, options, created_at)
                    VALUES (3, 'v2', 'done', '{"title":"t","jobs":2}', '2026-11-01T00:00:00Z')""");
            st.executeUpdate("""
                    INSERT INTO records (fetch_key, idx, spec, method, state, size)
                    VALUES (3, 0, '{"url":"https://h/a.bin","sha256":null,"out":"a.bin","credentials":null}',
                            'GET', 'done', 10)""");
        }
        store = FetchStore.open(old);
        RecordRow r = store.records(3).get(0);
        assertEquals(new RequestSpec("https://h/a.bin", null, "a.bin", null), r.spec());
        assertEquals(List.of(), r.spec().mirrors());
        assertNull(r.previous());
        assertFalse(r.notModified());
        assertEquals(0, r.source());
        assertFalse(store.find("v2").orElseThrow().options().ifChanged());
    }

    // ---- bodies: generations, checksummed progress, durable marks, the retry window ----------

    @Test
    void startingABodyBumpsItsGenerationAndForgetsTheOldPlanAndChecksums() throws Exception {
        long key = store.register(fetch("gen", false, "https://h/a"))[0];
        assertEquals(0, store.records(key).get(0).generation(), "no body yet");

        assertEquals(1, store.startBody(key, 0, List.of(new SegmentRow(0, 0, 100, 0, 0, 16))));
        store.progress(key, 0, 0, 16, 100, 16, 0, 0xCAFEBABE);
        store.progress(key, 0, 0, 20, 100, 16, 1, 7);
        assertEquals(List.of(new BlockRow(0, 0, 0xCAFEBABE), new BlockRow(0, 1, 7)), store.blocks(key, 0));
        assertEquals(List.of(new SegmentRow(0, 0, 100, 20, 0, 16)), store.segments(key, 0));

        assertEquals(2, store.startBody(key, 0, List.of(new SegmentRow(0, 0, 50, 0, 0, 16),
                new SegmentRow(1, 50, 90, 0, 0, 16))));
        assertEquals(2, store.records(key).get(0).generation());
        assertEquals(List.of(), store.blocks(key, 0), "the old body's checksums go with its plan");
        assertEquals(2, store.segments(key, 0).size());
    }

    @Test
    void durableMarksOnlyGrowAndACutBackLowersBoth() throws Exception {
        long key = store.register(fetch("marks", false, "https://h/a"))[0];
        store.startBody(key, 0, List.of(new SegmentRow(0, 0, 100, 0, 0, 16), new SegmentRow(1, 100, 200, 0, 0, 16)));
        store.progress(key, 0, 0, 64, 100, 16, 3, 1);
        store.progress(key, 0, 1, 32, 200, 16, 1, 2);
        store.durable(key, 0, new int[] {0, 1}, new long[] {48, 32}, true);
        store.durable(key, 0, new int[] {0}, new long[] {16}, false); // an older mark arriving late
        assertEquals(List.of(new SegmentRow(0, 0, 100, 64, 48, 16), new SegmentRow(1, 100, 200, 32, 32, 16)),
                store.segments(key, 0));

        store.cutBack(key, 0, 0, 32);
        assertEquals(new SegmentRow(0, 0, 100, 32, 32, 16), store.segments(key, 0).get(0));
    }

    @Test
    void onlyThePromisesAreForcedCommits() throws Exception {
        store.close();
        List<Boolean> commits = new java.util.concurrent.CopyOnWriteArrayList<>();
        store = FetchStore.open(dbFile, commits::add);
        long key = store.register(fetch("forced", false, "https://h/a"))[0];
        assertEquals(List.of(true), commits, "a registration is acknowledged only once it is durable");
        commits.clear();

        store.startBody(key, 0, List.of(new SegmentRow(0, 0, 100, 0, 0, 16)));
        store.progress(key, 0, 0, 16, 100, 16, 0, 1);
        store.durable(key, 0, new int[] {0}, new long[] {16}, true);
        store.durable(key, 0, new int[] {0}, new long[] {16}, false);
        store.setFailingSince(key, 0, Instant.now());
        store.states().move(key, FetchMove.START);
        store.states().end(key, FetchMove.END, FetchResult.SUCCESS, null, "");
        assertEquals(List.of(true, false, true, false, false, false, true), commits,
                "forced: the registration, the new body, the durable mark on the cadence, the result");
    }

    @Test
    void aBodysHeadPlanAndGenerationAreOneForcedCommit() throws Exception {
        store.close();
        List<Boolean> commits = new java.util.concurrent.CopyOnWriteArrayList<>();
        store = FetchStore.open(dbFile, commits::add);
        long key = store.register(fetch("head", false, "https://h/a"))[0];
        commits.clear();

        long generation = store.startBody(key, 0, new FetchStore.StoredHead(200, "OK", "{}", 100, "\"e\"", null),
                List.of(new SegmentRow(0, 0, 100, 0, 0, 16)));

        assertEquals(List.of(true), commits, "one commit, forced: the restart is durable before the first byte");
        RecordRow r = store.records(key).get(0);
        assertEquals(1, generation);
        assertEquals(1, r.generation());
        assertEquals("\"e\"", r.etag());
        assertEquals(100, r.size());
    }

    @Test
    void aFirstBodyMayStartWithAnOrdinaryCommit() throws Exception {
        store.close();
        List<Boolean> commits = new java.util.concurrent.CopyOnWriteArrayList<>();
        store = FetchStore.open(dbFile, commits::add);
        long key = store.register(fetch("first", false, "https://h/a"))[0];
        commits.clear();

        long generation = store.startBody(key, 0, new FetchStore.StoredHead(200, "OK", "{}", 100, "\"e\"", null),
                List.of(new SegmentRow(0, 0, 100, 0, 0, 16)), false);

        assertEquals(List.of(false), commits, "one commit, not forced: no earlier body to confuse it with");
        assertEquals(1, generation);
        assertEquals(List.of(new SegmentRow(0, 0, 100, 0, 0, 16)), store.segments(key, 0));
        // a restart of that body is forced again: the first one's plan may now be on disk
        assertEquals(2, store.startBody(key, 0, null, List.of(new SegmentRow(0, 0, 100, 0, 0, 16)), true));
        assertEquals(List.of(false, true), commits);
    }

    @Test
    void anOrdinaryCommitNeverStartsASecondBody() throws Exception {
        long key = store.register(fetch("second", false, "https://h/a"))[0];
        assertEquals(1, store.startBody(key, 0, null, List.of(new SegmentRow(0, 0, 100, 0, 0, 16)), false));

        // a caller that thought the record new: the generation must not stay 1 for a new body
        assertThrows(StoreException.class,
                () -> store.startBody(key, 0, null, List.of(new SegmentRow(0, 0, 50, 0, 0, 16)), false));
        assertEquals(1, store.records(key).get(0).generation());
    }

        @Test
    void theRecordsWithTransferStateAreAPlanOrARetryWindow() throws Exception {
        long key = store.register(fetch("state", false, "https://h/a", "https://h/b", "https://h/c", "https://h/d"))[0];
        assertEquals(java.util.Set.of(), store.withTransferState(key), "a new fetch: nothing to resume from");
        store.startBody(key, 1, List.of(new SegmentRow(0, 0, 100, 0, 0, 16)));
        store.setFailingSince(key, 2, Instant.now());
        store.startBody(key, 3, List.of(new SegmentRow(0, 0, 100, 0, 0, 16)));
        store.replaceSegments(key, 3, List.of()); // a restart forgot its plan
        assertEquals(java.util.Set.of(1, 2), store.withTransferState(key));
    }

    @Test
    void theRetryWindowStartIsKept() throws Exception {
        long key = store.register(fetch("window", false, "https://h/a"))[0];
        assertNull(store.failingSince(key, 0));
        Instant since = Instant.parse("2026-11-01T10:15:30.123Z");
        store.setFailingSince(key, 0, since);
        assertEquals(since, store.failingSince(key, 0));
        store.setFailingSince(key, 0, null);
        assertNull(store.failingSince(key, 0));
    }

    @Test
    void aVersion3DatabaseKeepsItsProgressAsDurableAndItsBodiesAsGenerationOne() throws Exception {
        store.close();
        Path old = tmp.resolve("v3.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old); Statement st = c.createStatement()) {
            Schema.migrate(c, 3);
            st.executeUpdate("""
                    INSERT INTO fetches (key, id, state, options, created_at)
                    VALUES (5, 'v3', 'active', '{"title":"t","jobs":2}', '2026-11-01T00:00:00Z')""");
            st.executeUpdate("""
                    INSERT INTO records (fetch_key, idx, spec, method, status, size, etag)
                    VALUES (5, 0, '{"url":"https://h/a.bin"}', 'GET', 200, 1000, '"e"'),
                           (5, 1, '{"url":"https://h/b.bin"}', 'GET', 0, -1, NULL)""");
            st.executeUpdate("INSERT INTO segments (fetch_key, record_idx, seg, start, end, done) VALUES (5, 0, 0, 0, 1000, 400)");
        }
        store = FetchStore.open(old);
        assertEquals(List.of(new SegmentRow(0, 0, 1000, 400)), store.segments(5, 0),
                "progress from before checksums was fsynced before it was recorded: all durable");
        assertEquals(1, store.records(5).get(0).generation());
        assertEquals(0, store.records(5).get(1).generation());
    }

    @Test
    void aVersion3DatabasesPlacedRecordsWereCopiesAndTheirPreviousResponsesReadAsStoreBodies() throws Exception {
        store.close();
        Path old = tmp.resolve("v3.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old); Statement st = c.createStatement()) {
            Schema.migrate(c, 3);
            st.executeUpdate("""
                    INSERT INTO fetches (key, id, state, options, created_at)
                    VALUES (4, 'v3', 'done', '{"dest":"/d"}', '2026-11-01T00:00:00Z')""");
            st.executeUpdate("""
                    INSERT INTO records (fetch_key, idx, spec, method, state, size, dest_path, previous)
                    VALUES (4, 0, '{"url":"https://h/a.bin"}', 'GET', 'done', 10, '/d/a.bin',
                            '{"status":200,"statusText":"OK","headersJson":"{}","size":10,"etag":"e","lastModified":null,"destPath":"/d/a.bin"}')""");
        }
        store = FetchStore.open(old);
        RecordRow r = store.records(4).get(0);
        assertEquals("/d/a.bin", r.destPath());
        assertNull(r.destMtime());
        assertFalse(r.isPlaced(), "an older bgfetch placed a copy: the body is the store's");
        assertFalse(r.isPlacing());
        assertNull(r.previous().destMtime());
        assertFalse(r.previous().isPlaced());
    }

    @Test
    void aTransactionThatThrowsLeavesNothingBehindAndTheStoreUsable() throws ConflictException {
        long key = store.register(fetch("tx", false, "https://h/a"))[0];
        store.replaceSegments(key, 0, List.of(new SegmentRow(0, 0, 100, 10)));
        IllegalStateException boom = new IllegalStateException("boom");
        assertEquals(boom, assertThrows(IllegalStateException.class, () -> store.inTransaction(false, () -> {
            store.prepare("UPDATE segments SET done = 99 WHERE fetch_key = ?", key).executeUpdate();
            throw boom;
        })));
        assertEquals(List.of(new SegmentRow(0, 0, 100, 10)), store.segments(key, 0), "the update was rolled back");
        // the next write is a transaction of its own, not part of the one that failed
        store.replaceSegments(key, 0, List.of(new SegmentRow(0, 0, 100, 20)));
        assertEquals(List.of(new SegmentRow(0, 0, 100, 20)), store.segments(key, 0));
    }
}
