package io.bgfetch.cli;

import io.bgfetch.protocol.ExitCodes;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Request;
import io.bgfetch.tui.ProgressDisplay;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bgfetch status}: the named fetches, or every active one. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the fetches named (every active one when none is named); --watch follows them live until they end.")
final class StatusCommand extends ClientCommand {
    @Parameters(paramLabel = "ID", arity = "0..*", description = "Fetches to show.")
    List<String> ids = new ArrayList<>();

    @Option(names = "--watch", description = "Keep a live progress display (title, bytes, percent, rate, ETA) until they all end.")
    boolean watch;

    @Override
    public Integer call() {
        List<Registration> regs;
        if (watch) {
            regs = new FetchWaiter(this).watch(ids, true);
        } else {
            regs = client().call(new Request.Status(ids));
        }
        if (json()) {
            printJson(ids.size() == 1 ? regs.get(0) : regs);
        } else if (!watch) {
            for (Registration r : regs) {
                out().println(ProgressDisplay.plainLine(r));
                if ("waiting".equals(r.state()) && r.nextAttemptAt() != null) {
                    out().println("  next attempt at " + r.nextAttemptAt());
                }
            }
            out().flush();
        }
        return ExitCodes.OK;
    }
}
