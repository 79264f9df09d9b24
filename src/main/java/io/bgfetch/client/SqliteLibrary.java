package io.bgfetch.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * SQLite's native library for the daemon, in a file of its own beside the daemon's class data.
 *
 * <p>Left to itself, sqlite-jdbc copies its native library out of its jar at every start: a new
 * 1 MiB file in {@code /tmp} under a random name (a {@code SecureRandom}), after a {@code uname}
 * child process to tell the platform, a scan of all of {@code /tmp} for stale copies, and a
 * byte-by-byte comparison of the copy that the JIT ends up compiling; and a daemon killed with
 * SIGKILL leaves its copy there for good. All that cost an idle daemon about 1 MiB of RSS and a
 * thread. So the launcher extracts the library once per jar and JDK ({@link #main}, before the
 * training run) and names it in {@link #PROPERTY}; a daemon started with {@link #options} loads
 * that file. A file that does not load (damaged, another platform's) only costs the old way:
 * sqlite-jdbc then extracts a copy of its own.
 */
public final class SqliteLibrary {
    /** The system property in which the launcher names the extracted library (absent: none). */
    public static final String PROPERTY = "bgfetch.daemon.sqlite";

    private SqliteLibrary() {
    }

    /**
     * The daemon's JVM options that make sqlite-jdbc load {@code file}, if it is a file under the
     * name sqlite-jdbc looks for ({@code libsqlitejdbc.so}, in a directory of its own): a file
     * that does not load then leaves sqlite-jdbc to extract its own copy, as it would without
     * these options (under another name it would look for that name in its jar too, and fail).
     * Where the directory is writable, it is sqlite-jdbc's temp directory too: there it looks
     * for stale copies to delete at each start (a few files, not all of {@code /tmp}), and there
     * it would extract that copy.
     */
    static List<String> options(String file) {
        if (file == null || file.isEmpty()) {
            return List.of();
        }
        Path library = Path.of(file).toAbsolutePath();
        Path dir = library.getParent();
        if (dir == null || !library.getFileName().toString().equals(LibraryLoaderUtil.getNativeLibName())
                || !Files.isRegularFile(library)) {
            return List.of();
        }
        List<String> options = new ArrayList<>(List.of("-Dorg.sqlite.lib.path=" + dir));
        if (Files.isWritable(dir)) {
            options.add("-Dorg.sqlite.tmpdir=" + dir);
        }
        return options;
    }

    /** Writes this platform's library from sqlite-jdbc's jar to {@code target}: beside it first, then renamed (no JVM maps half a file). */
    static void extract(Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
        Path partial = target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try (InputStream in = org.sqlite.JDBC.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("sqlite-jdbc has no native library for this platform (" + resource + ")");
            }
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** For the launcher: {@code SqliteLibrary FILE} extracts the library to FILE (making its directory); exit status 1 if it cannot. */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: SqliteLibrary FILE");
            System.exit(2);
        }
        try {
            extract(Path.of(args[0]));
        } catch (IOException | RuntimeException e) {
            System.err.println("bgfetch: cannot extract SQLite's library: " + e);
            System.exit(1);
        }
    }
}
