package io.bgfetch.cli;

import io.bgfetch.protocol.ExitCode;

/** A command failed in a way the user should hear about in one line, with this exit code. */
public final class CliException extends RuntimeException {
    private final ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
