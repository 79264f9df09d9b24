package io.bgfetch.cli;

import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Request;
import picocli.CommandLine.Parameters;

/** The shape shared by abort, pause and resume: one ID, one request, the registration after it. */
abstract class FetchControl extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The fetch.")
    String id;

    abstract Request<Registration> request(String id);

    abstract String doneWord();

    @Override
    public Integer call() {
        Registration r = client().call(request(id));
        if (json()) {
            printJson(r);
        } else {
            out().println(doneWord() + " " + r.id());
            out().flush();
        }
        return ExitCode.OK.code();
    }
}
