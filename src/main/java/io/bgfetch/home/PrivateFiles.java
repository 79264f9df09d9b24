package io.bgfetch.home;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Creates files and directories readable by the owner only (0700 / 0600), whatever the
 * umask: stored headers and bodies may hold credentials. Permissions are set explicitly
 * after creation because the umask only ever removes bits and cannot be trusted to leave
 * the owner's.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /**
     * Creates {@code dir} and any missing parents, each 0700, and makes {@code dir} itself 0700
     * if it already existed. Only for directories that are bgfetch's own (inside the home).
     */
    public static Path directories(Path dir) throws IOException {
        createMissing(dir);
        Files.setPosixFilePermissions(dir, DIR);
        return dir;
    }

    /** Creates {@code dir} and its missing parents with 0700; leaves existing ones alone. */
    public static void createMissing(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            createMissing(parent);
        }
        try {
            Files.createDirectory(dir);
            Files.setPosixFilePermissions(dir, DIR);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            if (!Files.isDirectory(dir)) {
                throw new java.nio.file.FileAlreadyExistsException(dir.toString(), null, "exists but is not a directory");
            }
        }
    }

    /** Creates {@code file} empty with 0600 if it does not exist; fixes the mode if it does. */
    public static Path file(Path file) throws IOException {
        try {
            Files.createFile(file);
        } catch (java.nio.file.FileAlreadyExistsException exists) {
            // keep its content; only its mode is ours to fix
        }
        Files.setPosixFilePermissions(file, FILE);
        return file;
    }

    /** Sets 0600 on a file something else created (the socket, SQLite's -wal and -shm). */
    public static void restrict(Path file) throws IOException {
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }
}
