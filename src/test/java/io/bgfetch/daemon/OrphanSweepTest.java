package io.bgfetch.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanSweepTest {
    @TempDir
    Path tmp;

    BodyPaths paths;
    Path store;
    Path dest;

    @BeforeEach
    void layout() throws IOException {
        store = Files.createDirectory(tmp.resolve("store"));
        paths = new BodyPaths(store);
        dest = Files.createDirectory(tmp.resolve("dest"));
    }

    Path file(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        return Files.writeString(p, "x");
    }

    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void removesWhatNoFetchUsesAndKeepsWhatOneDoes() throws Exception {
        Path kept = file(paths.body(7, 0));
        Path keptUpload = file(paths.incoming().resolve("used.upload"));
        Path keptOther = file(store.resolve("7").resolve("notes.txt"));
        Path keptUnknown = file(store.resolve("README"));
        Path orphanDir = file(paths.body(8, 3)).getParent();
        Path orphanUpload = file(paths.incoming().resolve("stale.upload"));
        Path orphanTemp = file(store.resolve(".bgfetch-123-0.tmp"));
        Path orphanTempInFetch = file(store.resolve("7").resolve(".bgfetch-9-1.tmp"));
        Path deadWriterTemp = file(dest.resolve(".bgfetch-" + deadPid() + "-0.tmp"));
        Path liveWriterTemp = file(dest.resolve(".bgfetch-" + ProcessHandle.current().parent().orElseThrow().pid() + "-0.tmp"));
        Path userFile = file(dest.resolve("song.bgfetch-1-0.tmp"));

        List<Path> removed = new OrphanSweep(paths, Set.of(7L), Set.of("used.upload"), Set.of(dest), Set.of()).run();

        for (Path p : List.of(kept, keptUpload, keptOther, keptUnknown, liveWriterTemp, userFile)) {
            assertTrue(Files.exists(p), "kept: " + p);
        }
        for (Path p : List.of(orphanDir, orphanUpload, orphanTemp, orphanTempInFetch, deadWriterTemp)) {
            assertFalse(Files.exists(p), "removed: " + p);
        }
        assertEquals(5, removed.size(), removed.toString());
    }

    @Test
    void partFilesStayWhileTheirFetchRunsAndOnlyThisHomesAreEverRemoved() throws Exception {
        String home = paths.homeTag();
        String otherHome = new BodyPaths(tmp.resolve("other").resolve("store")).homeTag();
        Path running = file(dest.resolve(".bgfetch-7-0-" + home + "0000abcd.part"));
        Path runningOther = file(dest.resolve(".bgfetch-7-1-" + home + "0000abcd.part"));
        Path ended = file(dest.resolve(".bgfetch-8-0-" + home + "1111abcd.part"));
        Path sameKeyOtherFetch = file(dest.resolve(".bgfetch-7-0-" + home + "2222abcd.part"));
        Path anotherHomes = file(dest.resolve(".bgfetch-9-0-" + otherHome + "3333abcd.part"));
        Path userFile = file(dest.resolve(".bgfetch-notes.part"));

        List<Path> removed = new OrphanSweep(paths, Set.of(7L, 8L), Set.of(), Set.of(dest),
                Set.of(OrphanSweep.partOf(7, home + "0000abcd"))).run();

        for (Path p : List.of(running, runningOther, anotherHomes, userFile)) {
            assertTrue(Files.exists(p), "kept: " + p);
        }
        for (Path p : List.of(ended, sameKeyOtherFetch)) {
            assertFalse(Files.exists(p), "removed: " + p);
        }
        assertEquals(2, removed.size(), removed.toString());
    }

    @Test
    void anEmptyDatabaseMakesEveryStoreDirectoryAnOrphanButNothingElse() throws IOException {
        Path body = file(paths.body(1, 0));
        Path readme = file(store.resolve("README"));
        new OrphanSweep(paths, Set.of(), Set.of(), Set.of(), Set.of()).run();
        assertFalse(Files.exists(body.getParent()));
        assertTrue(Files.exists(readme));
    }

    @Test
    void linksAreRemovedNeverFollowed() throws IOException {
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Path precious = file(outside.resolve("precious"));
        Path link = Files.createSymbolicLink(store.resolve("99"), outside);
        Path uploadLink = Files.createSymbolicLink(file(paths.incoming().resolve("real")).resolveSibling("l.upload"),
                precious);

        new OrphanSweep(paths, Set.of(), Set.of("real"), Set.of(), Set.of()).run();

        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS), "the orphan link is gone");
        assertFalse(Files.exists(uploadLink, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(precious), "what it pointed to is untouched");
    }

    @Test
    void aMissingStoreIsNothingToDo() {
        assertEquals(List.of(), new OrphanSweep(new BodyPaths(tmp.resolve("none")), Set.of(), Set.of(),
                Set.of(tmp.resolve("no-dest")), Set.of()).run());
    }
}
