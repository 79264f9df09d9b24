package io.bgfetch.protocol;

/**
 * The contract's exit statuses, each with its meaning: the one list that the commands, the
 * daemon's failed replies and the generated help and man pages all use.
 */
public enum ExitCode {
    OK(0, "done; with --wait (and wait), the fetch succeeded"),
    FAILED(1, "with --wait (and wait), a fetch failed or was aborted, or wait --timeout ran out; "
            + "abort/pause/resume of a fetch not in a state to take it"),
    USAGE(2, "usage error: bad option, bad URL, bad size or duration"),
    NOT_FOUND(3, "no such fetch, or no such record (or no body to give)"),
    CONFLICT(4, "conflict: a fetch with that ID is active (or finished, without --replace)"),
    DAEMON_UNAVAILABLE(5, "the daemon cannot be reached or started"),
    LOCAL_IO(6, "a local I/O error (cannot write the output file, ...)");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The process exit status. */
    public int code() {
        return code;
    }

    /** What it means, as the help and man pages say it. */
    public String meaning() {
        return meaning;
    }

    /** The status a daemon's failed reply carries (an unknown number is a plain failure). */
    public static ExitCode of(int code) {
        for (ExitCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return FAILED;
    }
}
