package io.bgfetch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * One isolated bgfetch installation for an end-to-end test: its own {@code BGFETCH_HOME}, hence
 * its own daemon. Commands run the packaged launcher as a subprocess with an explicit environment
 * (the inherited one minus {@code BGFETCH_*} and {@code NO_COLOR}, plus {@code BGFETCH_HOME} and
 * the extras given to {@link #env}).
 *
 * <p>Every daemon PID this installation ever saw is remembered, and {@link #close()} kills each
 * one by PID, plus any process whose environment carries exactly this home and whose command
 * line mentions {@code daemon} (a safety net for spawns that raced the PID file). Nothing else
 * is ever killed.
 */
public final class Bgfetch implements AutoCloseable {

    /** How long one foreground command may run before it is killed and the test fails. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration KILL_WAIT = Duration.ofSeconds(15);
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final Path home;
    private final Path ioDir;
    private final Path launcher;
    private final Map<String, String> extraEnv = new LinkedHashMap<>();
    /** Daemons seen, with their start time so that a recycled PID is never killed. */
    private final List<ProcessHandle> daemons = new ArrayList<>();
    private final Map<Process, Path[]> background = new IdentityHashMap<>();

    private Bgfetch(Path tempDir, Path home) {
        this.home = home.toAbsolutePath().normalize();
        this.ioDir = tempDir.toAbsolutePath().resolve(".bgfetch-io-" + SEQ.incrementAndGet());
        this.launcher = findLauncher();
        try {
            Files.createDirectories(ioDir);
            Path parent = this.home.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An installation whose home is {@code tempDir/home} (not created: the product creates it). */
    public static Bgfetch create(Path tempDir) {
        return new Bgfetch(tempDir, tempDir.resolve("home"));
    }

    /** An installation with an explicit home (e.g. a long path with spaces); its parent is created. */
    public static Bgfetch create(Path tempDir, Path home) {
        return new Bgfetch(tempDir, home);
    }

    public Path home() {
        return home;
    }

    /** The launcher script this installation runs. */
    public Path launcher() {
        return launcher;
    }

    /** Extra environment for every later command, and so for any daemon such a command spawns. */
    public Bgfetch env(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    /**
     * The full environment a command runs with. The machine's proxy and CA settings are left
     * out (a fetch stores them): tests name the network they mean with {@link #env}.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        Set<String> network = Set.of("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ssl_cert_file");
        System.getenv().forEach((k, v) -> {
            if (!k.startsWith("BGFETCH_") && !k.equals("NO_COLOR") && !network.contains(k.toLowerCase(Locale.ROOT))) {
                env.put(k, v);
            }
        });
        env.put("BGFETCH_HOME", home.toString());
        env.putAll(extraEnv);
        return env;
    }

    /** Runs the launcher with {@code args}, stdin empty, and waits for it (at most 60 s). */
    public Result run(String... args) {
        return runWithStdin(new byte[0], args);
    }

    /** Runs the launcher with {@code args}, feeding {@code stdin}, and waits for it (at most 60 s). */
    public Result runWithStdin(byte[] stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(Arrays.asList(args));
        return runCommand(command, stdin);
    }

    /**
     * Runs an arbitrary command line (e.g. {@code bash -c ...} wrapping the launcher) with this
     * installation's environment, and waits for it like {@link #run}.
     */
    public Result runCommand(List<String> command, byte[] stdin) {
        int n = SEQ.incrementAndGet();
        Path in = ioDir.resolve(n + ".in");
        Path out = ioDir.resolve(n + ".out");
        Path err = ioDir.resolve(n + ".err");
        Process p;
        try {
            Files.write(in, stdin);
            ProcessBuilder pb = builder(command);
            pb.redirectInput(in.toFile());
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        try {
            boolean exited = waitFor(p, COMMAND_TIMEOUT);
            if (!exited) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                waitFor(p, KILL_WAIT);
                recordDaemon();
                fail("command did not finish within " + COMMAND_TIMEOUT.toSeconds() + " s and was killed: "
                        + command + "\n--- stdout ---\n" + readString(out) + "\n--- stderr ---\n"
                        + readString(err));
            }
            recordDaemon();
            return new Result(p.exitValue(), readBytes(out), readString(err));
        } finally {
            deleteQuietly(in);
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Starts a background command (e.g. {@code fetch --wait}); stdin is /dev/null, output goes to temp files. */
    public Process start(String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(Arrays.asList(args));
        return startCommand(command);
    }

    /** Starts an arbitrary command line in the background with this installation's environment. */
    public Process startCommand(List<String> command) {
        int n = SEQ.incrementAndGet();
        Path out = ioDir.resolve(n + ".bg.out");
        Path err = ioDir.resolve(n + ".bg.err");
        try {
            ProcessBuilder pb = builder(command);
            pb.redirectInput(new File("/dev/null"));
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            Process p = pb.start();
            synchronized (background) {
                background.put(p, new Path[] {out, err});
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * Waits for a process from {@link #start} to end (failing the test after {@code timeout}) and
     * returns what it did.
     */
    public Result finish(Process p, Duration timeout) {
        Path[] files;
        synchronized (background) {
            files = background.get(p);
        }
        if (files == null) {
            throw new IllegalArgumentException("not a process started by this installation");
        }
        if (!waitFor(p, timeout)) {
            fail("background command did not finish within " + timeout.toMillis() + " ms; stdout so far:\n"
                    + readString(files[0]) + "\n--- stderr so far ---\n" + readString(files[1]));
        }
        recordDaemon();
        return new Result(p.exitValue(), readBytes(files[0]), readString(files[1]));
    }

    /** The PID in {@code $BGFETCH_HOME/daemon.pid}, or -1 when there is none. */
    public long daemonPid() {
        long pid = readPidFile();
        if (pid > 0) {
            remember(pid);
        }
        return pid;
    }

    /** SIGKILLs the current daemon by PID (if there is one) and waits until it is gone. */
    public void killDaemon() {
        long pid = daemonPid();
        if (pid <= 0) {
            return;
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        h.ifPresent(ProcessHandle::destroyForcibly);
        Poll.until(KILL_WAIT, () -> isGone(pid), "daemon " + pid + " to die after SIGKILL");
    }

    /** Waits until a daemon other than {@code oldPid} has written its PID (one a command brought back). */
    public void awaitNewDaemon(long oldPid) {
        Poll.until(Duration.ofSeconds(15), () -> {
            long pid = daemonPid();
            return pid > 0 && pid != oldPid;
        }, "a new daemon to write its PID");
    }

    /** {@code status ID --json}, parsed; fails the test on a non-zero exit. */
    public Map<String, Object> status(String id) {
        Result r = run("status", id, "--json");
        assertEquals(0, r.exit(), () -> "status " + id + " --json failed: " + r.describe());
        return r.json();
    }

    /** Polls {@code status} until the fetch's state is {@code done}; returns that last status. */
    public Map<String, Object> awaitDone(String id, Duration timeout) {
        AtomicReference<Map<String, Object>> last = new AtomicReference<>();
        try {
            Poll.until(timeout, () -> {
                Map<String, Object> s = status(id);
                last.set(s);
                return "done".equals(s.get("state"));
            }, "fetch '" + id + "' to be done");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last status: " + last.get(), e);
        }
        return last.get();
    }

    /** Kills this installation's background commands and every daemon it started, by PID. */
    @Override
    public void close() {
        List<Process> procs;
        synchronized (background) {
            procs = new ArrayList<>(background.keySet());
        }
        for (Process p : procs) {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        for (Process p : procs) {
            waitFor(p, KILL_WAIT);
        }
        readPidFileQuietly();
        List<ProcessHandle> toKill;
        synchronized (daemons) {
            toKill = new ArrayList<>(daemons);
        }
        toKill.addAll(daemonProcesses());
        for (ProcessHandle h : toKill) {
            h.destroyForcibly();
        }
        for (ProcessHandle h : toKill) {
            long pid = h.pid();
            try {
                Poll.until(KILL_WAIT, () -> !h.isAlive() || isGone(pid), "daemon " + pid + " to exit");
            } catch (AssertionError e) {
                System.err.println("bgfetch test harness: " + e.getMessage());
            }
        }
        deleteTree(ioDir);
    }

    // ---------------------------------------------------------------------------------------

    private ProcessBuilder builder(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(environment());
        return pb;
    }

    private void recordDaemon() {
        readPidFileQuietly();
    }

    private void readPidFileQuietly() {
        long pid = readPidFile();
        if (pid > 0) {
            remember(pid);
        }
    }

    private long readPidFile() {
        try {
            String s = Files.readString(home.resolve("daemon.pid"), StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? -1 : Long.parseLong(s);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private void remember(long pid) {
        ProcessHandle.of(pid).ifPresent(h -> {
            synchronized (daemons) {
                for (ProcessHandle known : daemons) {
                    if (known.equals(h)) {
                        return;
                    }
                }
                daemons.add(h);
            }
        });
    }

    /**
     * Live processes whose environment holds exactly this installation's BGFETCH_HOME and whose
     * command line mentions {@code daemon}: the daemons of this home (and nothing else).
     */
    public List<ProcessHandle> daemonProcesses() {
        byte[] needle = ("BGFETCH_HOME=" + home + "\0").getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Paths.get("/proc"))) {
            procs.forEach(dir -> {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    return;
                }
                long pid = Long.parseLong(name);
                if (pid == self) {
                    return;
                }
                try {
                    byte[] cmdline = Files.readAllBytes(dir.resolve("cmdline"));
                    if (!new String(cmdline, StandardCharsets.UTF_8).contains("daemon")) {
                        return;
                    }
                    byte[] environ = Files.readAllBytes(dir.resolve("environ"));
                    if (containsEntry(environ, needle) && !isGone(pid)) {
                        ProcessHandle.of(pid).ifPresent(found::add);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone, or not ours to read
                }
            });
        } catch (IOException e) {
            // no /proc: nothing more to find
        }
        return found;
    }

    /** Whether {@code needle} (ending in NUL) is a whole entry of a NUL-separated environ block. */
    private static boolean containsEntry(byte[] environ, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= environ.length; i++) {
            if (i > 0 && environ[i - 1] != 0) {
                continue;
            }
            for (int j = 0; j < needle.length; j++) {
                if (environ[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Gone: no such process, or a zombie nobody has reaped yet (it holds nothing any more). */
    public static boolean isGone(long pid) {
        try {
            String stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path findLauncher() {
        String prop = System.getProperty("bgfetch.launcher");
        if (prop != null && !prop.isBlank()) {
            Path p = Paths.get(prop).toAbsolutePath();
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("scripts").resolve("bgfetch");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "cannot find the bgfetch launcher: set -Dbgfetch.launcher or run from the project directory");
    }

    private static byte[] readBytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static String readString(Path p) {
        return new String(readBytes(p), StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(Bgfetch::deleteQuietly);
        } catch (IOException e) {
            // best effort
        }
    }
}
