package io.bgfetch.cli;

import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Request;
import picocli.CommandLine.Command;

/** {@code bgfetch resume}. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused fetch from the bytes it has.")
final class ResumeCommand extends FetchControl {
    @Override
    Request<Registration> request(String id) {
        return new Request.Resume(id);
    }

    @Override
    String doneWord() {
        return "resumed";
    }
}
