package io.bgfetch.cli;

import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Request;
import picocli.CommandLine.Command;

/** {@code bgfetch pause}. */
@Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause an active fetch: its connections close and every byte is kept.")
final class PauseCommand extends FetchControl {
    @Override
    Request<Registration> request(String id) {
        return new Request.Pause(id);
    }

    @Override
    String doneWord() {
        return "paused";
    }
}
