package io.bgfetch.home;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
    @TempDir
    Path tmp;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static void chmod(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    @Test
    void directoriesCreatesEveryMissingLevel0700() throws IOException {
        Path dir = tmp.resolve("a").resolve("b").resolve("c");

        assertEquals(dir, PrivateFiles.directories(dir));

        assertEquals("rwx------", mode(tmp.resolve("a")));
        assertEquals("rwx------", mode(tmp.resolve("a").resolve("b")));
        assertEquals("rwx------", mode(dir));
    }

    @Test
    void directoriesLeavesExistingParentsAlone() throws IOException {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        chmod(shared, "rwxr-xr-x");

        PrivateFiles.directories(shared.resolve("mine"));

        assertEquals("rwxr-xr-x", mode(shared), "e.g. ~/.local/share is not ours to change");
        assertEquals("rwx------", mode(shared.resolve("mine")));
    }

    @Test
    void directoriesOnAnExistingDirectoryIsHarmless() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("d"));
        Files.writeString(dir.resolve("keep"), "x");
        assertEquals(dir, PrivateFiles.directories(dir));
        assertEquals("x", Files.readString(dir.resolve("keep")));
    }

    @Test
    void directoriesRefusesAFileInTheWay() throws IOException {
        Path file = Files.createFile(tmp.resolve("f"));
        assertThrows(FileAlreadyExistsException.class, () -> PrivateFiles.directories(file));
    }

    @Test
    void fileCreates0600() throws IOException {
        Path f = tmp.resolve("new");
        assertEquals(f, PrivateFiles.file(f));
        assertEquals("rw-------", mode(f));
        assertEquals(0, Files.size(f));
    }

    @Test
    void fileFixesTheModeOfAnExistingFileAndKeepsItsContent() throws IOException {
        Path f = tmp.resolve("old");
        Files.writeString(f, "content");
        chmod(f, "rw-rw-rw-");

        PrivateFiles.file(f);

        assertEquals("rw-------", mode(f));
        assertEquals("content", Files.readString(f));
    }

    @Test
    void fileAddsMissingOwnerBits() throws IOException {
        Path f = Files.createFile(tmp.resolve("ro"));
        chmod(f, "r--r--r--");

        PrivateFiles.file(f);

        assertEquals("rw-------", mode(f));
    }

    @Test
    void restrictTightensAFileSomethingElseCreated() throws IOException {
        Path f = Files.createFile(tmp.resolve("sock-or-wal"));
        chmod(f, "rwxrwxrwx");

        PrivateFiles.restrict(f);

        assertEquals("rw-------", mode(f));
    }

    @Test
    void restrictIgnoresAMissingFile() throws IOException {
        Path missing = tmp.resolve("missing");
        PrivateFiles.restrict(missing);
        assertFalse(Files.exists(missing));
    }
}
