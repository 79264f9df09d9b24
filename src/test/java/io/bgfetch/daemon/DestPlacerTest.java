package io.bgfetch.daemon;

import io.bgfetch.lifecycle.RecordState;
import io.bgfetch.protocol.RequestSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.store.RecordRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DestPlacerTest {
    private static final long KEY = 7;

    @TempDir
    Path tmp;

    // ---- nameFromUrl ------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "https://example.org/dir/file.iso | file.iso",
            "https://example.org/file.iso?x=1&y=2 | file.iso",
            "https://example.org/file.iso#part | file.iso",
            "https://example.org/my%20file.txt | my file.txt",
            "https://example.org/caf%C3%A9.txt | café.txt",
            "https://example.org/100%25 | 100%",
            "https://example.org/ | download",
            "https://example.org | download",
            "https://example.org/dir/ | download",
            "https://example.org/.hidden | hidden",
            "https://example.org/...dots | dots",
            "https://example.org/%2E%2E | download",
            "https://example.org/%2E | download",
            "https://example.org/a%2Fb | a_b",
            "https://example.org/a%5Cb | a_b",
            "https://example.org/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd | _.._etc_passwd",
            "https://example.org/..%2Fescape | _escape",
            "https://example.org/a%00b | a_b",
            "https://example.org/a%0Ab%0D.txt | a_b_.txt",
            "https://example.org/bell%07.bin | bell_.bin",
            "https://example.org/del%7F.bin | del_.bin",
            "https://example.org/c1%C2%85.bin | c1_.bin",
            "https://example.org/%20%20padded%20 | padded",
    })
    void nameFromUrl(String url, String expected) {
        assertEquals(expected, DestPlacer.nameFromUrl(url));
    }

    @Test
    void namesAreNeverUnsafe() {
        String[] urls = {"https://h/%2F", "https://h/%2F..%2F..", "https://h/..", "https://h/.", "https://h/%0A",
                "https://h/%2E%2E%2F", "https://h/%5C..%5C"};
        for (String url : urls) {
            String name = DestPlacer.nameFromUrl(url);
            assertTrue(!name.isEmpty() && !name.contains("/") && !name.contains("\\") && !name.startsWith(".")
                    && name.chars().noneMatch(Character::isISOControl), url + " -> " + name);
        }
    }

    @Test
    void longNamesAreCutKeepingTheEnd() {
        String name = DestPlacer.nameFromUrl("https://example.org/" + "x".repeat(300) + ".bin");
        assertEquals(240, name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                "file systems allow 255 bytes; 240 leaves room for a '-N' suffix");
        assertTrue(name.endsWith(".bin"));
    }

    @Test
    void aPlusInThePathIsKept() {
        assertEquals("c++.pdf", DestPlacer.nameFromUrl("https://example.org/c++.pdf"));
    }

    // ---- place ------------------------------------------------------------------------------

    private static RecordRow record(int idx, String url, String outName) {
        return new RecordRow(KEY, idx, new RequestSpec(url, null, outName, null), "GET", RecordState.DONE, 200, "OK", "{}", -1,
                null, null, null, "",
                0, null);
    }

    private byte[] storeBody(BodyPaths paths, int idx, byte[] content) throws IOException {
        Path body = paths.body(KEY, idx);
        Files.createDirectories(body.getParent());
        Files.write(body, content);
        return content;
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void placesBodiesUnderUniqueNamesAndCopiesTheBytes() throws IOException {
        BodyPaths paths = new BodyPaths(tmp.resolve("store"));
        Path dest = tmp.resolve("dest");
        byte[] b0 = storeBody(paths, 0, bytes(10_000, 1));
        byte[] b1 = storeBody(paths, 1, bytes(20_000, 2));
        byte[] b2 = storeBody(paths, 2, bytes(30_000, 3));
        byte[] b3 = storeBody(paths, 3, bytes(5, 4));
        List<RecordRow> records = List.of(
                record(0, "https://one.example/a.bin", null),
                record(1, "https://two.example/x/a.bin?v=2", null),
                record(2, "https://three.example/A.BIN", null),
                record(3, "https://four.example/", null));

        Map<Integer, Path> placed = new DestPlacer(paths).place(dest, records);

        assertEquals(dest.resolve("a.bin"), placed.get(0));
        assertEquals(dest.resolve("a-1.bin"), placed.get(1));
        assertEquals(dest.resolve("A-2.BIN"), placed.get(2), "unique without regard to case");
        assertEquals(dest.resolve("download"), placed.get(3));
        assertArrayEquals(b0, Files.readAllBytes(placed.get(0)));
        assertArrayEquals(b1, Files.readAllBytes(placed.get(1)));
        assertArrayEquals(b2, Files.readAllBytes(placed.get(2)));
        assertArrayEquals(b3, Files.readAllBytes(placed.get(3)));
        assertEquals(List.of("A-2.BIN", "a-1.bin", "a.bin", "download"), names(dest), "no temporary file left");
        assertArrayEquals(b0, Files.readAllBytes(paths.body(KEY, 0)), "the store keeps its own copy");
    }

    @Test
    void anOutNameKeepsItsNameAndDerivedNamesMakeWay() throws IOException {
        BodyPaths paths = new BodyPaths(tmp.resolve("store"));
        Path dest = tmp.resolve("dest");
        storeBody(paths, 0, bytes(10, 1));
        storeBody(paths, 1, bytes(10, 2));

        Map<Integer, Path> placed = new DestPlacer(paths).place(dest, List.of(
                record(0, "https://h/report.pdf", null),
                record(1, "https://h/other.pdf", "report.pdf")));

        assertEquals(dest.resolve("report.pdf"), placed.get(1), "the name the user chose is the one they get");
        assertEquals(dest.resolve("report-1.pdf"), placed.get(0));
    }

    @Test
    void anExistingFileIsReplaced() throws IOException {
        BodyPaths paths = new BodyPaths(tmp.resolve("store"));
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        Files.writeString(dest.resolve("a.bin"), "an older download that is much longer than the new one");
        byte[] fresh = storeBody(paths, 0, "new".getBytes(StandardCharsets.UTF_8));

        Map<Integer, Path> placed = new DestPlacer(paths).place(dest, List.of(record(0, "https://h/a.bin", null)));

        assertEquals(dest.resolve("a.bin"), placed.get(0));
        assertArrayEquals(fresh, Files.readAllBytes(dest.resolve("a.bin")));
        assertEquals(List.of("a.bin"), names(dest));
    }

    @Test
    void aMissingDestinationIsCreatedAndAnEmptyBodyPlaced() throws IOException {
        BodyPaths paths = new BodyPaths(tmp.resolve("store"));
        Files.createDirectories(paths.fetchDir(KEY));
        Path dest = tmp.resolve("deep").resolve("er").resolve("dest");

        Map<Integer, Path> placed = new DestPlacer(paths).place(dest, List.of(record(0, "https://h/empty.txt", null)));

        assertEquals(0, Files.size(placed.get(0)));
    }

    @Test
    void thePlacedFileIsACopyNotALink() throws IOException {
        BodyPaths paths = new BodyPaths(tmp.resolve("store"));
        byte[] original = storeBody(paths, 0, bytes(100, 5));
        Path dest = tmp.resolve("dest");

        Path placed = new DestPlacer(paths).place(dest, List.of(record(0, "https://h/f.bin", null))).get(0);
        Files.write(placed, new byte[] {1, 2, 3});

        assertArrayEquals(original, Files.readAllBytes(paths.body(KEY, 0)), "editing the placed file leaves the store alone");
    }

    @Test
    void aLongOutNameAcceptedByTheCliCanBePlaced() throws IOException {
        BodyPaths paths = new BodyPaths(tmp.resolve("store"));
        byte[] content = storeBody(paths, 0, bytes(100, 7));
        Path dest = tmp.resolve("dest");
        String name = "n".repeat(246) + ".bin"; // 250 bytes: a valid file name

        Path placed = new DestPlacer(paths).place(dest, List.of(record(0, "https://h/x", name))).get(0);

        assertEquals(dest.resolve(name), placed);
        assertArrayEquals(content, Files.readAllBytes(placed));
    }

    @Test
    void aLongMultibyteNameStillFitsTheFileSystem() throws IOException {
        BodyPaths paths = new BodyPaths(tmp.resolve("store"));
        byte[] content = storeBody(paths, 0, bytes(100, 6));
        Path dest = tmp.resolve("dest");
        String euro = "%E2%82%AC";

        Path placed = new DestPlacer(paths).place(dest, List.of(record(0, "https://h/" + euro.repeat(120) + ".bin", null)))
                .get(0);

        assertTrue(placed.getFileName().toString().getBytes(StandardCharsets.UTF_8).length <= 255);
        assertArrayEquals(content, Files.readAllBytes(placed));
    }

    // ---- Content-Disposition and --if-changed ---------------------------------------------------

    private static RecordRow withDisposition(int idx, String url, String outName, String disposition) {
        String headers = "{\"content-disposition\":" + jsonString(disposition) + "}";
        return new RecordRow(KEY, idx, new RequestSpec(url, null, outName, null), "GET", RecordState.DONE, 200, "OK", headers,
                10, null, null, null, "", 0, null);
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "attachment; filename=\"report.pdf\" | report.pdf",
            "attachment; filename*=UTF-8''%E2%82%AC%20rates.txt; filename=\"rates.txt\" | € rates.txt",
            "attachment; filename=\"../../etc/passwd\" | passwd",
            "attachment; filename=\"..\" | download-123",
            "attachment; filename=\"...\" | download-123",
            "attachment; filename=\".bashrc\" | bashrc",
            "attachment; filename=\"\" | download-123",
            "attachment; filename=\"  \" | download-123",
            "attachment | download-123",
            "attachment; filename*=UTF-8''bell%07%0D%0Aname.txt | bell___name.txt",
            "attachment; filename*=UTF-8''%E2%80%AEtxt.exe | _txt.exe",
            "attachment; filename=\"a \\\"quoted\\\" name.txt\" | a \"quoted\" name.txt",
    })
    void theServersFileNameIsUsedWhenSafe(String disposition, String expected) {
        assertEquals(expected, DestPlacer.nameFor(withDisposition(0, "https://h/download-123", null, disposition)));
    }

    @Test
    void aVeryLongServerFileNameIsCutToFitKeepingItsExtension() {
        String name = DestPlacer.nameFor(withDisposition(0, "https://h/x", null,
                "attachment; filename=\"" + "n".repeat(5000) + ".tar.gz\""));
        assertEquals(240, name.getBytes(StandardCharsets.UTF_8).length);
        assertTrue(name.endsWith(".tar.gz"));
    }

    @Test
    void outWinsOverTheServersFileName() {
        assertEquals("mine.bin", DestPlacer.nameFor(withDisposition(0, "https://h/x", "mine.bin",
                "attachment; filename=\"theirs.bin\"")));
    }

    @Test
    void serverNamesArePlacedUniqueAndInsideTheDestination() throws IOException {
        BodyPaths paths = new BodyPaths(tmp.resolve("store"));
        Path dest = tmp.resolve("dest");
        byte[] b0 = storeBody(paths, 0, bytes(10, 1));
        byte[] b1 = storeBody(paths, 1, bytes(10, 2));
        byte[] b2 = storeBody(paths, 2, bytes(10, 3));

        Map<Integer, Path> placed = new DestPlacer(paths).place(dest, List.of(
                withDisposition(0, "https://h/download?id=1", null, "attachment; filename=\"../../etc/passwd\""),
                withDisposition(1, "https://h/download?id=2", null, "attachment; filename=\"passwd\""),
                withDisposition(2, "https://h/download?id=3", null, "attachment; filename=\"/etc/PASSWD\"")));

        assertEquals(dest.resolve("passwd"), placed.get(0));
        assertEquals(dest.resolve("passwd-1"), placed.get(1));
        assertEquals(dest.resolve("PASSWD-2"), placed.get(2));
        assertArrayEquals(b0, Files.readAllBytes(placed.get(0)));
        assertArrayEquals(b1, Files.readAllBytes(placed.get(1)));
        assertArrayEquals(b2, Files.readAllBytes(placed.get(2)));
        assertEquals(List.of("PASSWD-2", "passwd", "passwd-1"), names(dest));
    }

    private static RecordRow notModified(int idx, String url, String destPath) {
        return new RecordRow(KEY, idx, new RequestSpec(url), "GET", RecordState.DONE, 200, "OK", "{}", 10, "\"e\"", null, null, "",
                0, destPath, null, true, 0);
    }

    @Test
    void aNotModifiedRecordsFileIsLeftExactlyAsItIs() throws Exception {
        BodyPaths paths = new BodyPaths(tmp.resolve("store"));
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        storeBody(paths, 0, bytes(10, 1));
        byte[] b1 = storeBody(paths, 1, bytes(10, 2));
        Path kept = dest.resolve("a.bin");
        Files.writeString(kept, "the user's copy, perhaps edited");
        Files.setLastModifiedTime(kept, java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
        Object inode = Files.getAttribute(kept, "unix:ino");

        Map<Integer, Path> placed = new DestPlacer(paths).place(dest, List.of(
                notModified(0, "https://h/a.bin", kept.toString()),
                record(1, "https://other/a.bin", null)));

        assertEquals(kept, placed.get(0));
        assertEquals(inode, Files.getAttribute(kept, "unix:ino"), "not replaced");
        assertEquals(1_000_000_000_000L, Files.getLastModifiedTime(kept).toMillis(), "not rewritten");
        assertEquals("the user's copy, perhaps edited", Files.readString(kept));
        assertEquals(dest.resolve("a-1.bin"), placed.get(1), "the kept file's name stays taken");
        assertArrayEquals(b1, Files.readAllBytes(placed.get(1)));
    }

    @Test
    void aNotModifiedRecordWhoseFileIsGoneOrElsewhereIsPlacedAgain() throws Exception {
        BodyPaths paths = new BodyPaths(tmp.resolve("store"));
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        byte[] b0 = storeBody(paths, 0, bytes(10, 1));
        byte[] b1 = storeBody(paths, 1, bytes(10, 2));
        Path elsewhere = Files.createDirectories(tmp.resolve("old-dest")).resolve("b.bin");
        Files.writeString(elsewhere, "old");

        Map<Integer, Path> placed = new DestPlacer(paths).place(dest, List.of(
                notModified(0, "https://h/a.bin", dest.resolve("a.bin").toString()),
                notModified(1, "https://h/b.bin", elsewhere.toString())));

        assertArrayEquals(b0, Files.readAllBytes(placed.get(0)));
        assertEquals(dest.resolve("b.bin"), placed.get(1), "--dest changed: placed in the new one");
        assertArrayEquals(b1, Files.readAllBytes(placed.get(1)));
        assertEquals("old", Files.readString(elsewhere), "the old directory is not touched");
    }
}
