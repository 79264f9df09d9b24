package io.bgfetch.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFileTest {
    @TempDir
    Path tmp;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void linesAreAppendedToAPrivateFile() throws IOException {
        Path log = tmp.resolve("daemon.log");
        LogFile f = new LogFile(log, 4096);
        assertTrue(f.append("one"));
        assertTrue(f.append("two"));
        assertEquals(List.of("one", "two"), Files.readAllLines(log));
        assertEquals("rw-------", mode(log));
        assertFalse(Files.exists(tmp.resolve("daemon.log.1")));
    }

    @Test
    void pastTheLimitItRotatesAndKeepsTwoOldOnes() throws IOException {
        Path log = tmp.resolve("daemon.log");
        LogFile f = new LogFile(log, 1000);
        for (int i = 0; i < 1000; i++) {
            f.append(String.format("line %04d %s", i, "x".repeat(40)));
        }
        assertTrue(Files.size(log) <= 1000, "current: " + Files.size(log));
        for (String old : List.of("daemon.log.1", "daemon.log.2")) {
            Path p = tmp.resolve(old);
            assertTrue(Files.size(p) > 1000 - 60 && Files.size(p) <= 1000 + 60, old + ": " + Files.size(p));
            assertEquals("rw-------", mode(p));
        }
        assertFalse(Files.exists(tmp.resolve("daemon.log.3")));
        List<String> newest = Files.readAllLines(log);
        List<String> previous = Files.readAllLines(tmp.resolve("daemon.log.1"));
        List<String> before = Files.readAllLines(tmp.resolve("daemon.log.2"));
        String last = newest.isEmpty() ? previous.get(previous.size() - 1) : newest.get(newest.size() - 1);
        assertTrue(last.startsWith("line 0999"), last);
        // Nothing lost between the files: .2 ends where .1 begins, and .1 where the current one does.
        assertEquals(number(before.get(before.size() - 1)) + 1, number(previous.get(0)));
        if (!newest.isEmpty()) {
            assertEquals(number(previous.get(previous.size() - 1)) + 1, number(newest.get(0)));
        }
    }

    private static int number(String line) {
        return Integer.parseInt(line.substring(5, 9));
    }

    @Test
    void anotherAppenderKeepsWritingIntoTheCurrentFileAfterARotation() throws IOException {
        Path log = tmp.resolve("daemon.log");
        LogFile f = new LogFile(log, 100);
        f.append("mine");
        // Like the JVM's own stderr or a hook: the same file, opened for appending elsewhere.
        try (FileChannel other = FileChannel.open(log, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            other.write(ByteBuffer.wrap(("theirs " + "y".repeat(200) + "\n").getBytes(StandardCharsets.UTF_8)));
            f.rotateIfOver();
            assertEquals(0, Files.size(log), "rotated because of what the other one wrote");
            assertTrue(Files.readString(tmp.resolve("daemon.log.1")).contains("theirs"));
            other.write(ByteBuffer.wrap("after\n".getBytes(StandardCharsets.UTF_8)));
        }
        f.append("mine again");
        assertEquals(List.of("after", "mine again"), Files.readAllLines(log), "no hole, no lost line");
    }

    @Test
    void aLogDeletedUnderneathIsMadeAgain() throws IOException {
        Path log = tmp.resolve("daemon.log");
        LogFile f = new LogFile(log, 4096);
        f.append("before");
        Files.delete(log);
        f.append("after");
        assertEquals(List.of("after"), Files.readAllLines(log));
    }
}
