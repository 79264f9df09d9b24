package io.bgfetch.client;

import io.bgfetch.protocol.ExitCode;

/**
 * A request that did not succeed, with the CLI exit code it maps to: a failed reply from the
 * daemon (its exit code), or no daemon to talk to ({@code 5}).
 */
public final class DaemonException extends RuntimeException {
    private final ExitCode exitCode;

    public DaemonException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public DaemonException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
