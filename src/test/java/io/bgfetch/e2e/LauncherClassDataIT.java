package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The launcher's class data (scripts/bgfetch): recorded on first use beside the jar by a
 * training run that leaves no process behind, used by clients and daemons alike (a spawned
 * daemon and {@code daemon run} get the same JVM options, and load SQLite's library extracted
 * beside it), and never the reason a command fails: damaged class data (or library) is ignored
 * quietly, and a recording that fails is not retried until the jar changes. Each test runs a
 * copy of the launcher, jar and libraries (as the bench does), in a directory with a space in
 * its name.
 */
class LauncherClassDataIT extends EndToEndTest {

    @Test
    void theFirstRunRecordsClassDataThatClientsAndDaemonsStartFrom() throws Exception {
        Path launcher = copyOfTheProgram();
        Path target = launcher.getParent().getParent().resolve("target");

        Result version = run(launcher, "--version");
        assertEquals(0, version.exit(), version::describe);
        assertTrue(version.out().matches("bgfetch \\S+\n"), version::describe);
        assertEquals("", version.stderr());
        if (classData(target, "client").isEmpty()) {
            return; // a java whose version the launcher cannot tell runs without class data
        }
        Path daemonData = classData(target, "daemon").orElseThrow(() -> new AssertionError("no daemon class data"));
        assertEquals(List.of(), processesMentioning(target), "the training run left a process behind");

        assertEquals(0, run(launcher, "daemon", "start").exit());
        List<String> spawned = daemonCommandLine();
        assertTrue(spawned.contains("io.bgfetch.daemon.Daemon"), spawned.toString());
        assertTrue(spawned.stream().anyMatch(a -> a.endsWith("=" + daemonData)), "uses " + daemonData + ": " + spawned);
        // SQLite's library, extracted once beside the class data, is what the daemon loads.
        Path sqlite;
        try (Stream<Path> dirs = Files.list(target)) {
            sqlite = dirs.filter(d -> d.getFileName().toString().startsWith("bgfetch-daemon-sqlite-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no SQLite library beside the class data")).resolve("libsqlitejdbc.so");
        }
        assertTrue(Files.isRegularFile(sqlite), "no " + sqlite);
        String maps = Files.readString(Path.of("/proc", Long.toString(bg.daemonPid()), "maps"));
        assertTrue(maps.contains(sqlite.toString()), "the daemon maps " + sqlite);
        assertEquals(0, run(launcher, "daemon", "stop").exit());

        Process foreground = bg.startCommand(List.of(launcher.toString(), "daemon", "run"));
        Poll.until(Duration.ofSeconds(30), () -> run(launcher, "daemon", "status").exit() == 0, "the foreground daemon");
        List<String> fromLauncher = daemonCommandLine();
        assertEquals(0, run(launcher, "daemon", "stop").exit());
        assertEquals(0, bg.finish(foreground, Duration.ofSeconds(30)).exit());

        List<String> expected = new ArrayList<>(spawned);
        expected.remove("-Dbgfetch.log=file"); // a spawned daemon writes daemon.log, a foreground one stderr
        assertEquals(expected, fromLauncher, "'daemon run' starts the JVM a client spawns");
    }

    @Test
    void damagedClassDataIsIgnoredQuietly() throws Exception {
        Path launcher = copyOfTheProgram();
        Path target = launcher.getParent().getParent().resolve("target");
        assertEquals(0, run(launcher, "--version").exit());
        List<Path> data;
        try (Stream<Path> files = Files.list(target)) {
            data = new ArrayList<>(files.filter(f -> f.getFileName().toString().matches("bgfetch-(client|daemon)-.*\\.(jsa|aot)")).toList());
        }
        try (Stream<Path> files = Files.list(target)) {
            for (Path dir : files.filter(f -> f.getFileName().toString().startsWith("bgfetch-daemon-sqlite-")).toList()) {
                data.add(dir.resolve("libsqlitejdbc.so"));
            }
        }
        for (Path f : data) {
            f.toFile().setWritable(true);
            Files.write(f, "not class data".repeat(1000).getBytes(StandardCharsets.US_ASCII));
            Files.setLastModifiedTime(f, FileTime.from(Instant.now())); // still newer than the jar: used
        }

        Result list = run(launcher, "list");
        assertEquals(0, list.exit(), list::describe);
        assertEquals("", list.out(), "nothing but the (empty) list on stdout");
        assertEquals("", list.stderr());
        Result status = run(launcher, "daemon", "status", "--json");
        assertEquals(0, status.exit(), status::describe);
        assertTrue(status.json().containsKey("pid"), status::describe);
    }

    @Test
    void aRecordingThatFailsIsNotRetriedUntilTheJarChanges() throws Exception {
        Path launcher = copyOfTheProgram();
        Path jar = launcher.getParent().getParent().resolve("target/bgfetch.jar");
        // A JDK whose java fails the training run and records each run in a log.
        Path realHome = Path.of(System.getProperty("java.home"));
        Path fakeHome = tmp.resolve("fake jdk");
        Files.createDirectories(fakeHome.resolve("bin"));
        Files.copy(realHome.resolve("release"), fakeHome.resolve("release"));
        Path calls = tmp.resolve("java-calls.log");
        Path java = fakeHome.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\n"
                + "case \"$*\" in *StartupTraining*) echo training >> '" + calls + "'; exit 1 ;; esac\n"
                + "exec '" + realHome.resolve("bin/java") + "' \"$@\"\n");
        assertTrue(java.toFile().setExecutable(true));
        bg.env("BGFETCH_JAVA", java.toString());

        for (int i = 0; i < 2; i++) {
            Result version = run(launcher, "--version");
            assertEquals(0, version.exit(), version::describe);
            assertTrue(version.out().startsWith("bgfetch "), version::describe);
            assertEquals("", version.stderr());
        }
        assertEquals(List.of("training"), Files.readAllLines(calls), "tried once for this jar");

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(2)));
        assertEquals(0, run(launcher, "--version").exit());
        assertEquals(List.of("training", "training"), Files.readAllLines(calls), "a new jar is tried again");
    }

    /** scripts/bgfetch, target/bgfetch.jar and target/lib, copied: a tree with no sources, which never builds. */
    private Path copyOfTheProgram() throws IOException {
        Path project = bg.launcher().getParent().getParent();
        Path root = tmp.resolve("program copy");
        Files.createDirectories(root.resolve("scripts"));
        Files.createDirectories(root.resolve("target/lib"));
        Path launcher = root.resolve("scripts/bgfetch");
        Files.copy(project.resolve("scripts/bgfetch"), launcher);
        Files.copy(project.resolve("target/bgfetch.jar"), root.resolve("target/bgfetch.jar"));
        try (Stream<Path> jars = Files.list(project.resolve("target/lib"))) {
            for (Path j : jars.toList()) {
                Files.copy(j, root.resolve("target/lib").resolve(j.getFileName()));
            }
        }
        return launcher;
    }

    private Result run(Path launcher, String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(Arrays.asList(args));
        return bg.runCommand(command, new byte[0]);
    }

    private static Optional<Path> classData(Path dir, String role) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("bgfetch-" + role + "-.*\\.(jsa|aot)")).findFirst();
        }
    }

    private List<String> daemonCommandLine() throws IOException {
        long pid = bg.daemonPid();
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
        List<String> args = new ArrayList<>(Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0")));
        args.remove(0); // the java binary
        return args;
    }

    private static List<String> processesMentioning(Path dir) {
        String needle = dir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(needle)).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
    }
}
