package io.bgfetch.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.lifecycle.FailureReason;
import io.bgfetch.lifecycle.FetchResult;
import io.bgfetch.lifecycle.Transitions.FetchMove;
import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.protocol.RequestSpec;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.FetchStore;
import io.bgfetch.store.NewFetch;
import io.bgfetch.store.PlacedFile;
import io.bgfetch.store.PreviousResponse;
import io.bgfetch.store.RecordRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Placement under --dest: bodies arrive in part files in DIR and are renamed into place, once. */
class DestPlacerTest {
    @TempDir
    Path tmp;

    private FetchStore store;
    private BodyPaths paths;
    private DestPlacer placer;
    private Path dest;

    @BeforeEach
    void setUp() throws IOException {
        store = FetchStore.open(tmp.resolve("bgfetch.db"));
        paths = new BodyPaths(Files.createDirectory(tmp.resolve("store")));
        placer = new DestPlacer(paths, store);
        dest = tmp.resolve("dest");
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private FetchRow fetch(String id, Path dir, List<RequestSpec> specs, List<PreviousResponse> previous) throws Exception {
        FetchOptions options = new FetchOptions("", null, 0, List.of(), "GET", null, dir.toString(), null, null, null,
                false, false, 4, 1, 0, 60_000, null);
        return store.find(store.register(new NewFetch(id, options, specs, 0, previous))[0]).orElseThrow();
    }

    private FetchRow fetch(String id, String... urls) throws Exception {
        return fetch(id, dest, Stream.of(urls).map(RequestSpec::new).toList(), null);
    }

    /** A record's body arrives, as the transfer writes it: into the file prepare() gives. */
    private byte[] arrive(FetchRow f, int idx, byte[] content, String headersJson) throws IOException {
        Path file = DestPlacer.prepare(paths, f, idx);
        Files.write(file, content);
        store.saveHead(f.key(), idx, 200, "OK", headersJson, content.length, null, null);
        store.states().completeRecord(f.key(), idx, content.length);
        return content;
    }

    private byte[] arrive(FetchRow f, int idx, byte[] content) throws IOException {
        return arrive(f, idx, content, "{}");
    }

    private List<RecordRow> records(FetchRow f) {
        return store.records(f.key());
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void bodiesArriveInHiddenPartFilesThatAreRenamedIntoPlace() throws Exception {
        FetchRow f = fetch("f", "https://one.example/a.bin", "https://two.example/x/a.bin?v=2",
                "https://three.example/A.BIN", "https://four.example/");
        byte[] b0 = arrive(f, 0, bytes(10_000, 1));
        byte[] b1 = arrive(f, 1, bytes(20_000, 2));
        byte[] b2 = arrive(f, 2, bytes(30_000, 3));
        byte[] b3 = arrive(f, 3, bytes(5, 4));
        assertTrue(names(dest).stream().allMatch(n -> n.startsWith(".bgfetch-") && n.endsWith(".part")), names(dest).toString());
        Object inode = Files.getAttribute(paths.part(f, 0), "unix:ino");

        Map<Integer, Path> placed = placer.place(f, records(f));

        assertEquals(dest.resolve("a.bin"), placed.get(0));
        assertEquals(dest.resolve("a-1.bin"), placed.get(1));
        assertEquals(dest.resolve("A-2.BIN"), placed.get(2), "unique without regard to case");
        assertEquals(dest.resolve("download"), placed.get(3));
        assertArrayEquals(b0, Files.readAllBytes(placed.get(0)));
        assertArrayEquals(b1, Files.readAllBytes(placed.get(1)));
        assertArrayEquals(b2, Files.readAllBytes(placed.get(2)));
        assertArrayEquals(b3, Files.readAllBytes(placed.get(3)));
        assertEquals(inode, Files.getAttribute(placed.get(0), "unix:ino"), "renamed, not copied: written once");
        assertEquals(List.of("A-2.BIN", "a-1.bin", "a.bin", "download"), names(dest), "no part file left");
        assertFalse(Files.exists(paths.body(f.key(), 0)), "no copy in the store");
        for (RecordRow r : records(f)) {
            assertTrue(r.isPlaced(), "record " + r.idx());
            assertEquals(placed.get(r.idx()).toString(), r.destPath());
            assertEquals(Files.getLastModifiedTime(placed.get(r.idx())).toMillis(), r.destMtime());
            assertEquals(placed.get(r.idx()), paths.current(store.find(f.key()).orElseThrow(), r), "the body is the placed file");
        }
    }

    @Test
    void partNamesAreUniquePerFetchRecordAndHome() throws Exception {
        FetchRow a = fetch("a", "https://h/x");
        FetchRow b = fetch("b", "https://h/x");
        BodyPaths otherHome = new BodyPaths(tmp.resolve("other-home").resolve("store"));

        assertNotEquals(paths.part(a, 0), paths.part(b, 0), "record 0 of two fetches");
        assertNotEquals(paths.part(a, 0), paths.part(a, 1));
        assertNotEquals(paths.part(a, 0), otherHome.part(a, 0), "the same key in another home");
        assertNotEquals(paths.homeTag(), otherHome.homeTag());
        assertEquals(paths.part(a, 0), new BodyPaths(tmp.resolve("store")).part(store.find(a.key()).orElseThrow(), 0),
                "derived, not random: a later daemon finds the same part file");
        assertTrue(BodyPaths.PART.matcher(paths.part(a, 7).getFileName().toString()).matches());
        assertTrue(paths.part(a, 0).getFileName().toString().startsWith(".bgfetch-" + a.key() + "-0-" + paths.homeTag()));
    }

    @Test
    void anOutNameKeepsItsNameAndDerivedNamesMakeWay() throws Exception {
        FetchRow f = fetch("f", dest, List.of(new RequestSpec("https://h/report.pdf"),
                new RequestSpec("https://h/other.pdf", null, "report.pdf", null)), null);
        arrive(f, 0, bytes(10, 1));
        arrive(f, 1, bytes(10, 2));

        Map<Integer, Path> placed = placer.place(f, records(f));

        assertEquals(dest.resolve("report.pdf"), placed.get(1), "the name the user chose is the one they get");
        assertEquals(dest.resolve("report-1.pdf"), placed.get(0));
    }

    @Test
    void anExistingFileIsReplaced() throws Exception {
        Files.createDirectories(dest);
        Files.writeString(dest.resolve("a.bin"), "an older download that is much longer than the new one");
        FetchRow f = fetch("f", "https://h/a.bin");
        byte[] fresh = arrive(f, 0, "new".getBytes(StandardCharsets.UTF_8));

        placer.place(f, records(f));

        assertArrayEquals(fresh, Files.readAllBytes(dest.resolve("a.bin")));
        assertEquals(List.of("a.bin"), names(dest));
    }

    @Test
    void aMissingDestinationIsCreatedAndAnEmptyBodyPlaced() throws Exception {
        dest = tmp.resolve("deep").resolve("er").resolve("dest");
        FetchRow f = fetch("f", "https://h/empty.txt");
        arrive(f, 0, new byte[0]);

        Map<Integer, Path> placed = placer.place(f, records(f));

        assertEquals(0, Files.size(placed.get(0)));
    }

    @Test
    void thePlacedFileHasTheUsersUsualModeNotTheStoresAndTheDirectoryIsLeftAlone() throws Exception {
        Files.createDirectories(dest);
        Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString("rwxr-x---"));
        Path control = Files.createFile(dest.resolve("control"));
        FetchRow f = fetch("f", "https://h/f.bin");
        arrive(f, 0, bytes(100, 5));

        Path placed = placer.place(f, records(f)).get(0);

        assertEquals(Files.getPosixFilePermissions(control), Files.getPosixFilePermissions(placed),
                "the umask's mode, as for any file the user creates");
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)));
    }

    @Test
    void longNamesFitTheFileSystem() throws Exception {
        String name = "n".repeat(246) + ".bin"; // 250 bytes: a valid file name the CLI accepts
        String euro = "%E2%82%AC";
        FetchRow f = fetch("f", dest, List.of(new RequestSpec("https://h/x", null, name, null),
                new RequestSpec("https://h/" + euro.repeat(120) + ".bin")), null);
        byte[] b0 = arrive(f, 0, bytes(100, 7));
        byte[] b1 = arrive(f, 1, bytes(100, 6));

        Map<Integer, Path> placed = placer.place(f, records(f));

        assertEquals(dest.resolve(name), placed.get(0));
        assertArrayEquals(b0, Files.readAllBytes(placed.get(0)));
        assertTrue(placed.get(1).getFileName().toString().getBytes(StandardCharsets.UTF_8).length <= 255);
        assertArrayEquals(b1, Files.readAllBytes(placed.get(1)));
    }

    @Test
    void serverNamesArePlacedUniqueAndInsideTheDestination() throws Exception {
        FetchRow f = fetch("f", "https://h/download?id=1", "https://h/download?id=2", "https://h/download?id=3");
        arrive(f, 0, bytes(10, 1), "{\"content-disposition\":\"attachment; filename=\\\"../../etc/passwd\\\"\"}");
        arrive(f, 1, bytes(10, 2), "{\"content-disposition\":\"attachment; filename=\\\"passwd\\\"\"}");
        arrive(f, 2, bytes(10, 3), "{\"content-disposition\":\"attachment; filename=\\\"/etc/PASSWD\\\"\"}");

        Map<Integer, Path> placed = placer.place(f, records(f));

        assertEquals(dest.resolve("passwd"), placed.get(0));
        assertEquals(dest.resolve("passwd-1"), placed.get(1));
        assertEquals(dest.resolve("PASSWD-2"), placed.get(2));
        assertEquals(List.of("PASSWD-2", "passwd", "passwd-1"), names(dest));
    }

    @Test
    void aPlacementACrashCutShortIsFinishedUnderTheSameNames() throws Exception {
        FetchRow f = fetch("f", "https://h/a.bin", "https://h/b.bin");
        byte[] b0 = arrive(f, 0, bytes(50, 1));
        byte[] b1 = arrive(f, 1, bytes(60, 2));
        // The names were committed and the first rename done when the daemon died.
        store.setPlacements(f.key(), List.of(new PlacedFile(0, dest.resolve("a.bin").toString(), PlacedFile.PLACING),
                new PlacedFile(1, dest.resolve("b.bin").toString(), PlacedFile.PLACING)));
        Files.move(paths.part(f, 0), dest.resolve("a.bin"));
        assertEquals(dest.resolve("a.bin"), paths.current(f, records(f).get(0)), "mid-placement: the renamed file");
        assertEquals(paths.part(f, 1), paths.current(f, records(f).get(1)), "mid-placement: the part not yet renamed");

        Map<Integer, Path> placed = placer.place(f, records(f));

        assertEquals(Map.of(0, dest.resolve("a.bin"), 1, dest.resolve("b.bin")), placed);
        assertArrayEquals(b0, Files.readAllBytes(placed.get(0)));
        assertArrayEquals(b1, Files.readAllBytes(placed.get(1)));
        assertEquals(List.of("a.bin", "b.bin"), names(dest));
        assertTrue(records(f).stream().allMatch(RecordRow::isPlaced));
    }

    @Test
    void aBodyThatIsNowhereFailsThePlacement() throws Exception {
        FetchRow f = fetch("f", "https://h/a.bin");
        arrive(f, 0, bytes(10, 1));
        Files.delete(paths.part(f, 0));

        IOException e = assertThrows(IOException.class, () -> placer.place(f, records(f)));
        assertTrue(e.getMessage().contains("https://h/a.bin"), e.getMessage());
    }

    @Test
    void aBodyAnOlderBgfetchKeptInTheStoreIsCopiedIn() throws Exception {
        FetchRow f = fetch("f", "https://h/a.bin");
        byte[] body = bytes(1000, 3);
        Files.createDirectories(paths.fetchDir(f.key()));
        Files.write(paths.body(f.key(), 0), body);
        store.states().completeRecord(f.key(), 0, body.length);

        Path placed = placer.place(f, records(f)).get(0);

        assertArrayEquals(body, Files.readAllBytes(placed));
        assertEquals(List.of("a.bin"), names(dest));
    }

    // ---- --if-changed: a 304 keeps the placed file -------------------------------------------------

    /** A fetch whose record 0 re-checked the file placed before and got 304. */
    private FetchRow keptBy304(Path previousFile, Long mtime) throws Exception {
        PreviousResponse p = new PreviousResponse(200, "OK", "{}", Files.size(previousFile), "\"e\"", null,
                previousFile.toString(), mtime);
        FetchRow f = fetch("recheck", dest, List.of(new RequestSpec("https://h/a.bin"), new RequestSpec("https://other/a.bin")),
                List.of(p));
        store.states().keepPrevious(f.key(), 0, p);
        return f;
    }

    @Test
    void aNotModifiedRecordsFileIsLeftExactlyAsItIs() throws Exception {
        Path kept = Files.createDirectories(dest).resolve("a.bin");
        Files.writeString(kept, "the body placed the last time");
        Files.setLastModifiedTime(kept, FileTime.fromMillis(1_000_000_000_000L));
        Object inode = Files.getAttribute(kept, "unix:ino");
        FetchRow f = keptBy304(kept, 1_000_000_000_000L);
        Files.createFile(paths.part(f, 0)); // what the conditional request's transfer leaves: an empty part
        byte[] b1 = arrive(f, 1, bytes(10, 2));

        Map<Integer, Path> placed = placer.place(f, records(f));

        assertEquals(kept, placed.get(0));
        assertEquals(inode, Files.getAttribute(kept, "unix:ino"), "not replaced");
        assertEquals(1_000_000_000_000L, Files.getLastModifiedTime(kept).toMillis(), "not rewritten");
        assertEquals("the body placed the last time", Files.readString(kept));
        assertEquals(dest.resolve("a-1.bin"), placed.get(1), "the kept file's name stays taken");
        assertArrayEquals(b1, Files.readAllBytes(placed.get(1)));
        assertEquals(List.of("a-1.bin", "a.bin"), names(dest), "the empty part file is gone");
    }

    @Test
    void aNotModifiedFilePlacedInAnotherDirectoryIsCopiedAndTheOldOneLeftAlone() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("old-dest")).resolve("a.bin");
        Files.writeString(elsewhere, "old");
        FetchRow f = keptBy304(elsewhere, Files.getLastModifiedTime(elsewhere).toMillis());
        arrive(f, 1, bytes(10, 2));

        Map<Integer, Path> placed = placer.place(f, records(f));

        assertEquals(dest.resolve("a.bin"), placed.get(0), "--dest changed: placed in the new one");
        assertEquals("old", Files.readString(placed.get(0)));
        assertEquals("old", Files.readString(elsewhere), "the old directory is not touched");
    }

    // ---- a fetch that does not succeed leaves no part file ---------------------------------------

    @Test
    void withdrawKeepsCompleteBodiesInTheStoreAndDeletesTheRest() throws Exception {
        FetchRow f = fetch("f", "https://h/a.bin", "https://h/b.bin");
        byte[] b0 = arrive(f, 0, bytes(100, 1));
        Files.write(DestPlacer.prepare(paths, f, 1), bytes(40, 2)); // record 1 incomplete
        store.states().failRecord(f.key(), 1, FailureReason.BAD_STATUS, "HTTP 500");

        placer.withdraw(f, records(f), true);

        assertEquals(List.of(), names(dest), "no part file left in the user's directory");
        assertArrayEquals(b0, Files.readAllBytes(paths.body(f.key(), 0)), "the complete body stays matchable");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.body(f.key(), 0))));
        store.states().end(f.key(), FetchMove.END, FetchResult.FAILURE, FailureReason.BAD_STATUS, "HTTP 500");
        FetchRow ended = store.find(f.key()).orElseThrow();
        assertEquals(paths.body(f.key(), 0), paths.current(ended, records(f).get(0)));
        assertFalse(Files.exists(paths.body(f.key(), 1)));
    }

    @Test
    void withdrawWithoutKeepingDeletesEveryPartFile() throws Exception {
        FetchRow f = fetch("f", "https://h/a.bin", "https://h/b.bin");
        arrive(f, 0, bytes(100, 1));
        Files.write(DestPlacer.prepare(paths, f, 1), bytes(40, 2));

        placer.withdraw(f, records(f), false);

        assertEquals(List.of(), names(dest));
        assertFalse(Files.exists(paths.body(f.key(), 0)));
    }

    // ---- two fetches, one directory, the same moment ------------------------------------------------

    @Test
    void twoFetchesPlacingIntoOneDirectoryAtOnceEachGetTheirOwnBytes() throws Exception {
        int n = 20;
        List<FetchRow> fetches = new ArrayList<>();
        List<byte[][]> bodies = new ArrayList<>();
        for (String who : List.of("a", "b")) {
            List<RequestSpec> specs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                specs.add(new RequestSpec("https://h/" + who + "/file" + i + "-" + who + ".bin"));
            }
            FetchRow f = fetch(who, dest, specs, null);
            byte[][] b = new byte[n][];
            for (int i = 0; i < n; i++) {
                b[i] = arrive(f, i, bytes(1000 + i, who.hashCode() * 31L + i));
            }
            fetches.add(f);
            bodies.add(b);
        }
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<Map<Integer, Path>>> results = new ArrayList<>();
            for (FetchRow f : fetches) {
                results.add(two.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return placer.place(f, records(f));
                }));
            }
            for (int k = 0; k < 2; k++) {
                Map<Integer, Path> placed = results.get(k).get(30, TimeUnit.SECONDS);
                for (int i = 0; i < n; i++) {
                    assertArrayEquals(bodies.get(k)[i], Files.readAllBytes(placed.get(i)), "fetch " + k + " record " + i);
                }
            }
        } finally {
            two.shutdownNow();
        }
        assertEquals(2 * n, names(dest).size(), names(dest).toString());
        assertNull(names(dest).stream().filter(s -> s.startsWith(".")).findFirst().orElse(null));
    }
}
