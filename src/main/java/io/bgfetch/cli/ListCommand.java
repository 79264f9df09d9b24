package io.bgfetch.cli;

import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Request;
import io.bgfetch.tui.HumanFormat;
import io.bgfetch.tui.ProgressDisplay;
import io.bgfetch.tui.TextTable;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bgfetch list}: the IDs of active fetches, one per line (scripts rely on it). */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the IDs of active fetches, one per line; --all includes finished ones, -l prints a table.")
final class ListCommand extends ClientCommand {
    @Option(names = {"-a", "--all"}, description = "Include finished fetches.")
    boolean all;

    @Option(names = "-l", description = "A table: ID, state, progress, size, title.")
    boolean long_;

    /** {@code list} from plain arguments (see {@link DirectArgs}), or null when picocli must read them. */
    static ClientCommand direct(DirectArgs a) {
        ListCommand c = new ListCommand();
        c.jsonOption = new JsonOption();
        for (String word = a.next(); word != null; word = a.next()) {
            switch (word) {
                case "-a", "--all" -> c.all = a.flag("--all");
                case "-l" -> c.long_ = a.flag("-l");
                case "--json" -> c.jsonOption.json = a.flag("--json");
                default -> {
                    return null;
                }
            }
        }
        return a.result(c);
    }

    @Override
    public Integer call() {
        List<Registration> regs = client().call(new Request.ListFetches(all));
        if (json()) {
            printJson(regs);
            return ExitCode.OK.code();
        }
        if (long_) {
            TextTable table = new TextTable("ID", "STATE", "PROGRESS", "SIZE", "TITLE")
                    .align(2, TextTable.Align.RIGHT).align(3, TextTable.Align.RIGHT);
            for (Registration r : regs) {
                String state = r.isDone() ? r.result() + (r.failureReason().isEmpty() ? "" : " (" + r.failureReason() + ")") : r.state();
                long total = ProgressDisplay.total(r); // --download-total, else the announced sizes
                table.row(r.id(), state, total > 0 ? HumanFormat.percent(r.downloaded(), total) : r.completed() + "/" + r.requests(),
                        HumanFormat.bytes(r.downloaded()), r.title());
            }
            if (table.size() > 0) {
                out().print(table.render());
            }
        } else {
            for (Registration r : regs) {
                out().println(r.id());
            }
        }
        out().flush();
        return ExitCode.OK.code();
    }
}
