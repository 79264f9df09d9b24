package io.bgfetch.cli;

import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.Request;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bgfetch rm}: forgets finished fetches and deletes their stored bodies. */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Forget finished fetches and delete their stored bodies (abort an active one first).")
final class RmCommand extends ClientCommand {
    @Parameters(paramLabel = "ID", arity = "1..*", description = "Fetches to forget.")
    List<String> ids;

    @Override
    public Integer call() {
        List<String> removed = client().call(new Request.Remove(ids));
        if (json()) {
            printJson(removed);
        } else {
            for (String id : removed) {
                out().println("removed " + id);
            }
            out().flush();
        }
        return ExitCode.OK.code();
    }
}
