package io.bgfetch.cli;

import io.bgfetch.cli.ProgressOption.Mode;
import io.bgfetch.cli.options.DurationConverter;
import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.Registration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bgfetch wait}: for scripts and CI steps that start fetches early and need their files
 * later. The fetches are not touched: a timeout or Ctrl-C leaves them running.
 */
@Command(name = "wait", mixinStandardHelpOptions = true,
        description = {
            "Wait until the fetches named (every active one when none is named) have ended, with the same progress "
                + "display as fetch --wait on a terminal. Exit 0 if every one succeeded, 1 if any failed (each failure "
                + "on stderr) or --timeout ran out first, 3 for an unknown ID.",
            "Waiting changes nothing: after a timeout or Ctrl-C the fetches go on in the background."
        })
final class WaitCommand extends ClientCommand {
    @Parameters(paramLabel = "ID", arity = "0..*", description = "Fetches to wait for (default: every active one).")
    List<String> ids = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up after this long (30s, 10m, 2h): exit 1 with a message naming the fetches still running.")
    Duration timeout;

    @Mixin
    ProgressOption progress;

    @Override
    public Integer call() {
        Mode mode = progress.resolved();
        FetchWaiter waiter = new FetchWaiter(this);
        FetchWaiter.Outcome outcome = waiter.follow(ids, waiter.progressView(mode),
                FetchWaiter.intervalMillis(mode, timeout), timeout);
        if (json()) {
            printJson(outcome.last());
        }
        waiter.reportEnds(outcome.last(), mode != Mode.none);
        List<Registration> failed = outcome.failed();
        if (outcome.timedOut()) {
            note("timed out after " + timeoutText() + " waiting for " + names(outcome.running())
                    + " (still running in the background)");
            return ExitCode.FAILED.code();
        }
        if (failed.isEmpty()) {
            return ExitCode.OK.code();
        }
        int total = outcome.last().size();
        if (total > 1) {
            List<Registration> succeeded = outcome.last().stream().filter(r -> "success".equals(r.result())).toList();
            note(failed.size() + " of " + total + " fetches failed (" + names(failed) + ")"
                    + (succeeded.isEmpty() ? "" : "; succeeded: " + names(succeeded)));
        }
        return ExitCode.FAILED.code();
    }

    private String timeoutText() {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static String names(List<Registration> regs) {
        return regs.stream().map(r -> "'" + r.id() + "'").collect(Collectors.joining(", "));
    }
}
