package io.bgfetch.daemon;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

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
        write(timestamp(Instant.now()) + " " + message);
    }

    static void error(String message, Throwable t) {
        String line = timestamp(Instant.now()) + " ERROR " + message + (t == null ? "" : ": " + t);
        if (t != null && System.getenv("BGFETCH_DEBUG") != null) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            line += System.lineSeparator() + trace.toString().stripTrailing();
        }
        write(line);
    }

    /**
     * {@code t} as {@link Instant#toString} writes it (2026-12-01T16:51:05.779763014Z, the fraction
     * in 0, 3, 6 or 9 digits), without java.time.format: its sixty classes are an idle daemon's
     * to load otherwise, for the one line it logs as it starts.
     */
    static String timestamp(Instant t) {
        LocalDateTime utc = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(30);
        pad(b, utc.getYear(), 4).append('-');
        pad(b, utc.getMonthValue(), 2).append('-');
        pad(b, utc.getDayOfMonth(), 2).append('T');
        pad(b, utc.getHour(), 2).append(':');
        pad(b, utc.getMinute(), 2).append(':');
        pad(b, utc.getSecond(), 2);
        int nano = t.getNano();
        if (nano > 0) {
            b.append('.');
            if (nano % 1_000_000 == 0) {
                pad(b, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                pad(b, nano / 1000, 6);
            } else {
                pad(b, nano, 9);
            }
        }
        return b.append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder b, int value, int digits) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < digits; i++) {
            b.append('0');
        }
        return b.append(s);
    }

    private static void write(String text) {
        LogFile f = file;
        if (f == null || !f.append(text)) {
            System.err.println(text);
        }
    }
}
