package io.bgfetch.client;

/**
 * A request that did not succeed, with the CLI exit code it maps to: a failed reply from the
 * daemon (its exit code), or no daemon to talk to ({@code 5}).
 */
public final class DaemonException extends RuntimeException {
    private final int exitCode;

    public DaemonException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public DaemonException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
