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

    /** Creates {@code dir} and any missing parents; the directories it creates get 0700. */
    public static Path directories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path parent = dir.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            directories(parent);
        }
        try {
            Files.createDirectory(dir);
            Files.setPosixFilePermissions(dir, DIR);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            if (!Files.isDirectory(dir)) {
                throw raced;
            }
        }
        return dir;
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
