package io.bgfetch.cli;

import io.bgfetch.protocol.ExitCodes;
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
        Object data = client().call(new Request.Remove(ids));
        if (json()) {
            printJson(data);
        } else {
            for (Object id : (List<?>) data) {
                out().println("removed " + id);
            }
            out().flush();
        }
        return ExitCodes.OK;
    }
}
