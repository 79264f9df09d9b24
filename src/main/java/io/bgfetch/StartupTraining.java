package io.bgfetch;

import io.bgfetch.cli.Cli;
import io.bgfetch.client.DaemonClient;
import io.bgfetch.client.DaemonJvm;
import io.bgfetch.home.BgfetchHome;
import io.bgfetch.protocol.Request;
import java.io.File;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * The training run the launcher records class data from (a class list for AppCDS, or a JDK 25
 * AOT cache), once per jar and JDK. In the launcher's throwaway {@code BGFETCH_HOME}, it starts
 * a daemon as a client would (recording the daemon's own classes with the JVM option given as
 * arguments), runs the everyday client commands against it in this JVM, and stops it.
 *
 * <p>The daemon does no transfer here: what it loads to start and to answer is what an idle
 * daemon holds, and its archive stays that small (a mapped archive counts in its RSS).
 */
public final class StartupTraining {
    private static final long DAEMON_WAIT_SECONDS = 30;
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
        BgfetchHome home = BgfetchHome.fromEnvironment();
        home.create();
        Process daemon = new ProcessBuilder(DaemonJvm.commandRecording(Arrays.asList(args)))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            awaitDaemon(home, daemon);
            for (List<String> command : COMMANDS) {
                run(command);
            }
            run(List.of("daemon", "stop"));
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) { // a JDK 25 daemon writes its AOT cache as it exits
                System.err.println("bgfetch: the training daemon did not stop");
            }
        } finally {
            daemon.destroyForcibly();
        }
        System.exit(0);
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

    private static void run(List<String> command) {
        String[] args = command.toArray(new String[0]);
        CommandLine cl = Cli.forArgs(args);
        cl.setOut(new PrintWriter(Writer.nullWriter()));
        cl.setErr(new PrintWriter(Writer.nullWriter()));
        cl.execute(args);
    }
}
