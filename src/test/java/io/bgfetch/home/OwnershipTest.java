package io.bgfetch.home;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnershipTest {
    @TempDir
    Path tmp;

    private Path privateDir(String name) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve(name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    @Test
    void currentUidIsTheNumberIdPrints() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        id.waitFor();
        assertEquals(Integer.parseInt(out), Ownership.currentUid());
    }

    @Test
    void aPrivateDirectoryOfOursPasses() throws IOException {
        Path dir = privateDir("mine");
        Ownership.requirePrivateDirectory(dir, "the socket directory");
        assertEquals(Ownership.currentUid(), Ownership.ownerUid(dir));
    }

    @Test
    void aDirectoryOpenToOthersIsRefusedByName() throws IOException {
        Path dir = privateDir("open");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(Ownership.UnsafePathException.class,
                () -> Ownership.requirePrivateDirectory(dir, "the socket directory"));
        assertTrue(e.getMessage().startsWith("the socket directory " + dir + " is open to other users (mode 0777)"),
                e.getMessage());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx---r-x"));
        assertThrows(Ownership.UnsafePathException.class, () -> Ownership.requirePrivateDirectory(dir, "d"));
        Ownership.requireOwnDirectory(dir, "d"); // the owner alone is fine for a directory we may tighten
    }

    @Test
    void aSymbolicLinkIsRefusedEvenToAPrivateDirectoryOfOurs() throws IOException {
        Path target = privateDir("target");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        IOException e = assertThrows(Ownership.UnsafePathException.class,
                () -> Ownership.requirePrivateDirectory(link, "the socket directory"));
        assertTrue(e.getMessage().contains(link + " is a symbolic link"), e.getMessage());
    }

    @Test
    void aFileIsNotADirectory() throws IOException {
        Path file = Files.createFile(tmp.resolve("file"));
        IOException e = assertThrows(Ownership.UnsafePathException.class,
                () -> Ownership.requireOwnDirectory(file, "the socket directory"));
        assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
    }

    @Test
    void somethingMissingIsNoSuchFileNotUnsafe() {
        Path missing = tmp.resolve("missing");
        assertThrows(NoSuchFileException.class, () -> Ownership.requirePrivateDirectory(missing, "d"));
        assertThrows(NoSuchFileException.class, () -> Ownership.requireOwner(missing, "the socket"));
    }

    @Test
    void somethingOfAnotherUidIsRefusedWithBothUids() throws IOException {
        Assumptions.assumeTrue(Ownership.currentUid() == 0, "only root can give a file away");
        Path dir = privateDir("theirs");
        Files.setAttribute(dir, "unix:uid", 4242);
        IOException e = assertThrows(Ownership.UnsafePathException.class,
                () -> Ownership.requirePrivateDirectory(dir, "the socket directory"));
        assertEquals("the socket directory " + dir + " belongs to uid 4242, not to you (uid 0)", e.getMessage());
        Path socket = Files.createFile(tmp.resolve("s.sock"));
        Files.setAttribute(socket, "unix:uid", 4242);
        assertThrows(Ownership.UnsafePathException.class, () -> Ownership.requireOwner(socket, "the socket"));
    }
}
