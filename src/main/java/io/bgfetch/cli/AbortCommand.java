package io.bgfetch.cli;

import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Request;
import picocli.CommandLine.Command;

/** {@code bgfetch abort}. */
@Command(name = "abort", mixinStandardHelpOptions = true, description = "Abort an active fetch: it fails with reason aborted, what it downloaded is discarded, and --on-abort runs.")
final class AbortCommand extends FetchControl {
    @Override
    Request<Registration> request(String id) {
        return new Request.Abort(id);
    }

    @Override
    String doneWord() {
        return "aborted";
    }
}
