package io.bgfetch.cli;

import io.bgfetch.cli.ProgressOption.Mode;
import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Request;
import io.bgfetch.tui.ProgressDisplay;
import io.bgfetch.tui.TerminalInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bgfetch status}: the named fetches, or every active one. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the fetches named (every active one when none is named); --watch follows them live until they end.")
final class StatusCommand extends ClientCommand {
    @Parameters(paramLabel = "ID", arity = "0..*", description = "Fetches to show.")
    List<String> ids = new ArrayList<>();

    @Option(names = "--watch", description = "Keep a live progress display (title, bytes, percent, rate, ETA, and a line "
            + "per transfer in flight) until they all end; in a pipe, a line each time a fetch changes state; "
            + "with --json, a stream of registration objects, one per line (NDJSON), each time one changes.")
    boolean watch;

    @Override
    public Integer call() {
        if (watch) {
            return watch();
        }
        List<Registration> regs = client().call(new Request.Status(ids));
        if (json()) {
            printJson(ids.size() == 1 ? regs.get(0) : regs);
            return ExitCode.OK.code();
        }
        for (Registration r : regs) {
            out().println(ProgressDisplay.plainLine(r));
            if ("waiting".equals(r.state()) && r.nextAttemptAt() != null) {
                out().println("  next attempt at " + r.nextAttemptAt());
            }
        }
        out().flush();
        return ExitCode.OK.code();
    }

    private int watch() {
        FetchWaiter waiter = new FetchWaiter(this);
        if (json()) {
            waiter.follow(ids, new NdjsonView(this::printJson), 250, null);
        } else if (TerminalInfo.isTerminal(2)) {
            FetchWaiter.Outcome outcome = waiter.follow(ids, waiter.progressView(Mode.bar), 200, null);
            waiter.reportEnds(outcome.last(), true);
        } else {
            waiter.follow(ids, stateChanges(), 500, null);
        }
        return ExitCode.OK.code();
    }

    /** In a pipe: a plain line on stdout each time a fetch changes state. */
    private WatchView stateChanges() {
        Map<String, String> lastState = new HashMap<>();
        return regs -> {
            for (Registration r : regs) {
                String state = r.state() + r.result();
                if (!state.equals(lastState.put(r.id(), state))) {
                    out().println(ProgressDisplay.plainLine(r));
                    out().flush();
                }
            }
        };
    }
}
