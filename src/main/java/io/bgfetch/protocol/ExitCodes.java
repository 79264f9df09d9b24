package io.bgfetch.protocol;

/** The contract's exit statuses; the daemon puts them in failed {@link Reply}s. */
public final class ExitCodes {
    public static final int OK = 0;
    /** With --wait the fetch failed; or abort/pause/resume of a fetch not in a state to take it. */
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int CONFLICT = 4;
    public static final int DAEMON_UNAVAILABLE = 5;
    public static final int LOCAL_IO = 6;

    private ExitCodes() {
    }
}
