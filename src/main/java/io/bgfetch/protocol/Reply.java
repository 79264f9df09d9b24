package io.bgfetch.protocol;

/**
 * The daemon's answer. {@code data} is a JSON-ready value (a map, a list, a record) whose type
 * depends on the request; {@code exitCode} is the CLI exit code a failure maps to, so the daemon,
 * which knows why something failed, decides it once for every client.
 *
 * @param last false on all but the final reply of a streaming request
 */
public record Reply(boolean ok, boolean last, int exitCode, String error, Object data) {

    public static Reply of(Object data) {
        return new Reply(true, true, 0, null, data);
    }

    public static Reply partial(Object data) {
        return new Reply(true, false, 0, null, data);
    }

    public static Reply failure(ExitCode exitCode, String error) {
        return new Reply(false, true, exitCode.code(), error, null);
    }
}
