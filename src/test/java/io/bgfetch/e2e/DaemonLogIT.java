package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * daemon.log: written by a spawned daemon itself and rotated at BGFETCH_LOG_MAX; stderr in the
 * foreground; and a daemon that cannot start says why in one line, without a stack trace.
 */
class DaemonLogIT extends EndToEndTest {

    @Test
    void aBusyDaemonKeepsItsLogBoundedAndRotated() throws Exception {
        long max = 16 * 1024;
        bg.env("BGFETCH_LOG_MAX", "16KiB");
        server.add("/gone", 10).status(404);
        StringBuilder urls = new StringBuilder();
        for (int i = 0; i < 1500; i++) {
            urls.append(server.url("/gone?n=" + i)).append('\n'); // every failed record logs a line
        }
        Path list = Files.writeString(tmp.resolve("urls.txt"), urls);

        Result f = bg.run("fetch", "--wait", "--jobs", "16", "-i", list.toString(), "many-404");
        assertEquals(1, f.exit(), f::describe);
        assertEquals(1500, server.requestCount("/gone"), "every record was tried");

        Path log = bg.home().resolve("daemon.log");
        Path old1 = bg.home().resolve("daemon.log.1");
        Path old2 = bg.home().resolve("daemon.log.2");
        long slack = 1024; // the line that crossed the limit
        assertTrue(Files.size(log) <= max, "daemon.log: " + Files.size(log));
        assertTrue(Files.size(old1) > max - slack && Files.size(old1) <= max + slack, "daemon.log.1: " + Files.size(old1));
        assertTrue(Files.size(old2) > max - slack && Files.size(old2) <= max + slack, "daemon.log.2: " + Files.size(old2));
        assertFalse(Files.exists(bg.home().resolve("daemon.log.3")), "only two old logs are kept");
        for (Path p : List.of(log, old1, old2)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
        String recent = Files.readString(old1, StandardCharsets.UTF_8) + Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(recent.contains("failed: bad-status"), "the rotated logs hold the daemon's lines");
        assertTrue(recent.contains("ended: "), "up to the fetch's end");

        // The spawned daemon's own stdout and stderr still go to daemon.log, for what the JVM prints.
        long pid = bg.daemonPid();
        for (String fd : List.of("1", "2")) {
            assertEquals(log.toRealPath(), Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", fd)),
                    "daemon fd " + fd);
        }
        assertEquals(0, bg.run("list", "--all").exit(), "the daemon goes on");
    }

    @Test
    void aForegroundDaemonLogsToStderr() throws Exception {
        Process daemon = bg.start("daemon", "run");
        Poll.until(Duration.ofSeconds(30), () -> bg.run("daemon", "status").exit() == 0, "the foreground daemon to answer");
        server.add("/gone", 10).status(404);
        Result f = bg.run("fetch", "--wait", "fg-404", server.url("/gone"));
        assertEquals(1, f.exit(), f::describe);
        assertEquals(0, bg.run("daemon", "stop").exit());
        Result run = bg.finish(daemon, Duration.ofSeconds(30));
        assertEquals(0, run.exit(), run::describe);
        assertTrue(run.stderr().contains("started (pid ") && run.stderr().contains("failed: bad-status")
                && run.stderr().contains("daemon stopped"), run.stderr());
        Path log = bg.home().resolve("daemon.log");
        assertFalse(Files.exists(log) && Files.readString(log).contains("started (pid "),
                "a foreground daemon does not write daemon.log");
    }

    @Test
    void aDaemonThatCannotStartSaysWhyInOneLineWithoutAStackTrace() throws Exception {
        Files.createDirectories(bg.home());
        Files.setAttribute(bg.home(), "unix:mode", 0700);
        Path store = Files.createFile(bg.home().resolve("store")); // where the daemon needs a directory
        String why = store + ": exists but is not a directory";

        Result spawned = bg.run("list");
        assertEquals(5, spawned.exit(), spawned::describe);
        String err = spawned.stderr().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("bgfetch: cannot start the daemon in ") && err.contains("it exited at once (the daemon "
                + "cannot start: " + why), err);
        assertFalse(err.contains("Exception"), err);

        Result foreground = bg.run("daemon", "run");
        assertEquals(5, foreground.exit(), foreground::describe);
        assertTrue(foreground.stderr().contains("bgfetch: the daemon cannot start: " + why), foreground::describe);
        assertFalse(foreground.stderr().contains("\tat "), "no stack trace: " + foreground.stderr());
    }
}
