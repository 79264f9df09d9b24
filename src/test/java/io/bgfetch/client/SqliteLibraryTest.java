package io.bgfetch.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.util.LibraryLoaderUtil;

/** SQLite's native library, extracted once for the daemon, and the options that make a daemon load it. */
class SqliteLibraryTest {
    @TempDir
    Path tmp;

    @Test
    void extractsThisPlatformsLibraryWhole() throws Exception {
        Path target = tmp.resolve("sqlite/libsqlitejdbc.so");
        SqliteLibrary.extract(target);
        byte[] expected;
        try (InputStream in = org.sqlite.JDBC.class.getResourceAsStream(
                LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName())) {
            expected = in.readAllBytes();
        }
        assertArrayEquals(expected, Files.readAllBytes(target));
        try (var files = Files.list(target.getParent())) {
            assertEquals(List.of(target), files.toList(), "nothing left beside it");
        }
    }

    @Test
    void aDaemonLoadsTheFileFromItsDirectory() throws Exception {
        Path library = Files.writeString(tmp.resolve("libsqlitejdbc.so"), "x");
        assertEquals(List.of("-Dorg.sqlite.lib.path=" + tmp, "-Dorg.sqlite.tmpdir=" + tmp),
                SqliteLibrary.options(library.toString()));
    }

    @Test
    void noFileNoOptions() throws Exception {
        assertEquals(List.of(), SqliteLibrary.options(null));
        assertEquals(List.of(), SqliteLibrary.options(""));
        assertEquals(List.of(), SqliteLibrary.options(tmp.resolve("libsqlitejdbc.so").toString()));
        assertEquals(List.of(), SqliteLibrary.options(tmp.toString()));
        // under another name, a file that did not load would leave sqlite-jdbc nothing to fall back on
        assertEquals(List.of(), SqliteLibrary.options(Files.writeString(tmp.resolve("other.so"), "x").toString()));
    }
}
