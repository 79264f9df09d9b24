package io.bgfetch.client;

import io.bgfetch.home.BgfetchHome;
import io.bgfetch.home.FileProblem;
import io.bgfetch.home.PrivateFiles;
import io.bgfetch.protocol.ExitCode;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a daemon for a home ({@link DaemonJvm} says how), detached from the caller: through
 * {@code setsid} it gets its own session and no controlling terminal; stdin is /dev/null, so closing the terminal or killing
 * the shell does not touch it. It is told to write the home's {@code daemon.log} itself (which
 * it keeps to a bounded size), and its stdout and stderr are appended to the same file, so what
 * the JVM itself prints (an out-of-memory exit, say) is not lost either.
 *
 * <p>Racing clients serialise on the home's spawn lock and re-check for a daemon under it, so
 * twenty clients start one daemon. The daemon's own lock is the final guard: a second daemon
 * that somehow starts exits at once.
 */
final class DaemonStarter {
    private static final long START_TIMEOUT_MILLIS = 30_000;

    private final BgfetchHome home;

    DaemonStarter(BgfetchHome home) {
        this.home = home;
    }

    /** Returns a connection to a daemon for the home, starting one if none answers. */
    @SuppressWarnings("try") // the lock is held for the block's duration, not used in it
    Connection connectOrStart(String version) {
        try {
            return Connection.open(home, version);
        } catch (IOException notRunning) {
            // start one below
        }
        try {
            home.create();
            Path lockFile = PrivateFiles.file(home.spawnLock());
            try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                 FileLock ignored = lockChannel.lock()) {
                try {
                    return Connection.open(home, version);
                } catch (IOException stillNotRunning) {
                    Process daemon = spawn();
                    return awaitSocket(daemon, version);
                }
            }
        } catch (IOException e) {
            throw new DaemonException(ExitCode.DAEMON_UNAVAILABLE,
                    "cannot start the daemon in " + home.root() + ": " + FileProblem.describe(e), e);
        }
    }

    private Process spawn() throws IOException {
        Path log = PrivateFiles.file(home.logFile());
        List<String> command = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute() || new File("/bin/setsid").canExecute()) {
            command.add("setsid");
        }
        command.addAll(DaemonJvm.command(true, List.of("-Dbgfetch.log=file"))); // Daemon.LOG_PROPERTY
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(home.root().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("BGFETCH_HOME", home.root().toString());
        pb.environment().putAll(DaemonJvm.environment(System.getenv()));
        return pb.start();
    }

    private Connection awaitSocket(Process daemon, String version) throws IOException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        long pause = 10;
        while (System.currentTimeMillis() < deadline) {
            try {
                return Connection.open(home, version);
            } catch (IOException notYet) {
                if (!daemon.isAlive() && daemon.exitValue() != 0) {
                    throw new IOException("it exited at once (" + lastWords() + ")");
                }
            }
            sleep(pause);
            pause = Math.min(pause * 2, 100);
        }
        throw new IOException("it did not answer within " + START_TIMEOUT_MILLIS / 1000 + " s; see " + home.logFile());
    }

    /**
     * Why a daemon that exited at once did: its last "bgfetch: " line in the log (without the
     * prefix, which the client adds itself), else a pointer to the log.
     */
    private String lastWords() {
        Path log = home.logFile();
        try (FileChannel in = FileChannel.open(log, StandardOpenOption.READ)) {
            long from = Math.max(0, in.size() - 16 * 1024);
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate((int) (in.size() - from));
            in.read(tail, from);
            List<String> lines = new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8).lines().toList();
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("bgfetch: ")) {
                    return lines.get(i).substring("bgfetch: ".length()).strip() + "; see " + log;
                }
            }
        } catch (IOException e) {
            // no log to read
        }
        return "see " + log;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DaemonException(ExitCode.DAEMON_UNAVAILABLE, "interrupted while starting the daemon");
        }
    }
}
