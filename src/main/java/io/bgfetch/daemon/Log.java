package io.bgfetch.daemon;

import java.time.Instant;

/**
 * The daemon's log: timestamped lines on stderr, which a spawned daemon has redirected to
 * {@code HOME/daemon.log} and a foreground one ({@code daemon run}) hands to systemd or the
 * container. Never log request headers: they may carry credentials.
 */
final class Log {
    private Log() {
    }

    static void info(String message) {
        System.err.println(Instant.now() + " " + message);
    }

    static void error(String message, Throwable t) {
        System.err.println(Instant.now() + " ERROR " + message + (t == null ? "" : ": " + t));
        if (t != null && System.getenv("BGFETCH_DEBUG") != null) {
            t.printStackTrace();
        }
    }
}
