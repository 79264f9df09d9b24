package io.bgfetch.daemon;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

/**
 * The daemon's log: timestamped lines. A daemon that a client spawned writes them to
 * {@code HOME/daemon.log} itself, which it keeps to a bounded size ({@link LogFile}); a
 * foreground one ({@code daemon run}) writes them to stderr, for systemd or the container.
 * Never log request headers: they may carry credentials.
 */
final class Log {
    private static volatile LogFile file;

    private Log() {
    }

    /** From now on lines go to {@code log} (and to stderr only when it cannot be written). */
    static void toFile(LogFile log) {
        file = log;
    }

    static void info(String message) {
        write(Instant.now() + " " + message);
    }

    static void error(String message, Throwable t) {
        String line = Instant.now() + " ERROR " + message + (t == null ? "" : ": " + t);
        if (t != null && System.getenv("BGFETCH_DEBUG") != null) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            line += System.lineSeparator() + trace.toString().stripTrailing();
        }
        write(line);
    }

    private static void write(String text) {
        LogFile f = file;
        if (f == null || !f.append(text)) {
            System.err.println(text);
        }
    }
}
