package io.bgfetch;

import io.bgfetch.cli.Cli;
import io.bgfetch.client.DaemonClient;
import io.bgfetch.client.DaemonJvm;
import io.bgfetch.client.SelectorProviderChoice;
import io.bgfetch.home.BgfetchHome;
import io.bgfetch.protocol.Request;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The training run the launcher records class data from (a class list for AppCDS, or a JDK 25
 * AOT cache), once per jar and JDK. In the launcher's throwaway {@code BGFETCH_HOME}, it starts
 * a daemon as a client would (recording the daemon's own classes with the JVM option given as
 * arguments), runs the everyday client commands against it in this JVM, and stops it.
 *
 * <p>That daemon does no transfer: what it loads to start and to answer is what an idle daemon
 * holds, and its archive stays that small (a mapped archive counts in its RSS). The client's
 * own path through a transfer ({@code fetch --wait}, {@code wait}) is then trained against a
 * second daemon, which records nothing, fetching a small body from a server in this JVM.
 */
public final class StartupTraining {
    private static final long DAEMON_WAIT_SECONDS = 30;
    /** This run's own messages; the commands' output goes nowhere, as no terminal may be touched. */
    private static final PrintStream STDERR = System.err;
    /**
     * What clients run most, and each command's model (a usage error or help builds it without
     * a daemon; nothing here may wait, or touch the terminal a first run may have).
     */
    private static final List<List<String>> COMMANDS = List.of(
            List.of("list"), List.of("list", "-a", "-l"), List.of("list", "--json"), List.of("status"),
            List.of("status", "--json", "no-such-fetch"), List.of("daemon", "status"), List.of("--version"),
            List.of("fetch"), List.of("wait", "--help"), List.of("match"), List.of("abort"), List.of("pause"),
            List.of("resume"), List.of("rm"));

    private StartupTraining() {
    }

    /** @param args JVM options for the daemon (the launcher's recording option), possibly none */
    public static void main(String[] args) throws Exception {
        SelectorProviderChoice.chooseTheJdksOwn(); // as Main does, so that the class data holds what a client loads
        BgfetchHome home = BgfetchHome.fromEnvironment();
        home.create();
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        Process daemon = start(home, Arrays.asList(args));
        try {
            awaitDaemon(home, daemon);
            for (List<String> command : COMMANDS) {
                run(command);
            }
            stop(daemon);
        } finally {
            daemon.destroyForcibly();
        }
        try {
            trainTransfers(home);
        } catch (Exception e) { // the idle daemon's recording above is done: keep it
            STDERR.println("bgfetch: the training of fetch --wait failed: " + e);
        }
        System.exit(0);
    }

    /**
     * {@code fetch --wait} and {@code wait} as the benchmark and scripts run them, against a
     * daemon that records nothing. A fetch that could not finish would be given up within its
     * {@code --retry-for}, so the training stays bounded.
     */
    private static void trainTransfers(BgfetchHome home) throws IOException, InterruptedException {
        Process daemon = start(home, List.of());
        try (TrainingServer server = TrainingServer.start()) {
            awaitDaemon(home, daemon);
            String dest = Files.createDirectories(home.root().resolve("training-dest")).toString();
            String url = server.url();
            String retry = "5s";
            // progress auto (there is no terminal here), and none
            run(List.of("fetch", "training-1", url, "--wait", "--dest", dest, "--retry-for", retry));
            Path input = Files.writeString(home.root().resolve("training-urls.txt"),
                    "# as the benchmark's many small files come\n" + url + "?n=1\n" + url + "?n=2 out=second.bin\n");
            run(List.of("fetch", "training-2", "-i", input.toString(), "-j", "16", "--wait", "--dest", dest,
                    "--progress", "none", "--retry-for", retry));
            run(List.of("fetch", "training-3", url, "--json", "--retry-for", retry));
            run(List.of("wait", "training-3"));
            run(List.of("status", "training-1"));
            run(List.of("list", "-a", "-l"));
            run(List.of("rm", "training-1", "training-2", "training-3"));
            stop(daemon);
        } finally {
            daemon.destroyForcibly();
        }
    }

    private static Process start(BgfetchHome home, List<String> recording) throws IOException {
        return new ProcessBuilder(DaemonJvm.commandRecording(recording))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static void stop(Process daemon) throws InterruptedException {
        run(List.of("daemon", "stop"));
        if (!daemon.waitFor(30, TimeUnit.SECONDS)) { // a JDK 25 daemon writes its AOT cache as it exits
            STDERR.println("bgfetch: the training daemon did not stop");
        }
    }

    private static void awaitDaemon(BgfetchHome home, Process daemon) throws InterruptedException {
        DaemonClient client = new DaemonClient(home, Version.get());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DAEMON_WAIT_SECONDS);
        while (client.callIfRunning(new Request.Info()).isEmpty()) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the training daemon did not answer");
            }
            Thread.sleep(20);
        }
    }

    /** Runs a command as {@code main} does, picocli or not (its output is discarded: see {@link #main}). */
    private static void run(List<String> command) {
        Cli.run(command.toArray(new String[0]));
    }
}
