package io.bgfetch.cli;

import io.bgfetch.Version;
import io.bgfetch.daemon.Daemon;
import io.bgfetch.home.BgfetchHome;
import io.bgfetch.protocol.DaemonInfo;
import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.Request;
import io.bgfetch.protocol.WireCodec;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bgfetch daemon run|start|stop|status}. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = "Run, start, stop or inspect the worker daemon of this BGFETCH_HOME.",
        subcommands = {DaemonCommand.Run.class, DaemonCommand.Start.class, DaemonCommand.Stop.class, DaemonCommand.Status.class})
final class DaemonCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: run, start, stop or status");
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run the daemon in the foreground (for systemd and containers); logs go to stderr. SIGTERM stops it gracefully.")
    static final class Run implements Callable<Integer> {
        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            return Daemon.run(BgfetchHome.fromEnvironment(), Version.get());
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start the daemon in the background unless it is running.")
    static final class Start extends ClientCommand {
        @Override
        public Integer call() throws IOException {
            DaemonInfo info = client().call(new Request.Info());
            if (json()) {
                printJson(info);
            } else {
                out().println("daemon running (pid " + info.pid() + ")");
                out().flush();
            }
            return ExitCode.OK.code();
        }
    }

    /** What {@code daemon stop --json} prints. */
    record Stopped(boolean stopped, long pid) {
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the daemon gracefully: transfers save their progress and resume on the next start.")
    static final class Stop extends ClientCommand {
        private static final long WAIT_MILLIS = 20_000;

        @Override
        public Integer call() throws IOException {
            Optional<DaemonInfo> running = client().callIfRunning(new Request.Info());
            if (running.isEmpty()) {
                note("no daemon is running for " + BgfetchHome.fromEnvironment().root());
                return ExitCode.OK.code();
            }
            DaemonInfo info = running.get();
            client().callIfRunning(new Request.Shutdown());
            Optional<ProcessHandle> process = ProcessHandle.of(info.pid());
            long deadline = System.currentTimeMillis() + WAIT_MILLIS;
            while (process.isPresent() && process.get().isAlive() && System.currentTimeMillis() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (process.isPresent() && process.get().isAlive()) {
                throw new CliException(ExitCode.DAEMON_UNAVAILABLE, "the daemon (pid " + info.pid() + ") did not stop");
            }
            if (json()) {
                printJson(new Stopped(true, info.pid()));
            } else {
                out().println("daemon stopped (pid " + info.pid() + ")");
                out().flush();
            }
            return ExitCode.OK.code();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Exit 0 if the daemon is running (and describe it), 5 if not. Never starts one.")
    static final class Status extends ClientCommand {
        @Override
        public Integer call() throws IOException {
            Optional<DaemonInfo> running = client().callIfRunning(new Request.Info());
            if (running.isEmpty()) {
                note("no daemon is running for " + BgfetchHome.fromEnvironment().root());
                return ExitCode.DAEMON_UNAVAILABLE.code();
            }
            DaemonInfo info = running.get();
            if (json()) {
                printJson(info);
            } else {
                out().println("running: pid " + info.pid() + ", version " + info.version() + ", up " + info.uptimeSeconds()
                        + " s, " + info.active() + " active fetch(es)");
                out().println("home:    " + info.home());
                out().println("socket:  " + info.socket());
                out().flush();
            }
            return ExitCode.OK.code();
        }
    }
}
