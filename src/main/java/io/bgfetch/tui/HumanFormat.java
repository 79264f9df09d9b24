package io.bgfetch.tui;

import java.util.Locale;

/**
 * Numbers for people: byte counts, rates, times left and percentages, as the progress display,
 * {@code list -l} and {@code match} print them. Binary units (KiB = 1024) like curl and aria2,
 * one decimal, and always a dot as the decimal separator ({@link Locale#ROOT}) so that the output
 * does not change with the user's locale. Negative inputs mean "unknown" and print {@code --}.
 */
public final class HumanFormat {

    public static final String UNKNOWN = "--";

    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private HumanFormat() {
    }

    /** {@code 0 B}, {@code 999 B}, {@code 1023 B}, {@code 1.0 KiB}, {@code 1.5 MiB}, {@code 4.0 GiB} */
    public static String bytes(long bytes) {
        if (bytes < 0) {
            return UNKNOWN;
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        // Move up while the value would print as 1024.0 or more after rounding to one decimal.
        while (value >= 1023.95 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** {@code 1.2 MiB/s}; {@code 0 B/s} when stalled */
    public static String rate(long bytesPerSecond) {
        return bytesPerSecond < 0 ? UNKNOWN : bytes(bytesPerSecond) + "/s";
    }

    /**
     * Time left at the current rate, rounded up: {@code 12s}, {@code 3m05s}, {@code 1h02m},
     * {@code 2d03h}; {@code --} when it cannot be known (no rate, no size).
     */
    public static String eta(long remainingBytes, long bytesPerSecond) {
        if (remainingBytes < 0 || bytesPerSecond <= 0) {
            return UNKNOWN;
        }
        return duration(remainingBytes / bytesPerSecond + (remainingBytes % bytesPerSecond == 0 ? 0 : 1));
    }

    /** A span of time as {@link #eta} writes it: {@code 0s}, {@code 3m05s}, {@code 1h02m}, {@code 2d03h}. */
    public static String duration(long seconds) {
        if (seconds < 0) {
            return UNKNOWN;
        }
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", seconds / 86_400, seconds % 86_400 / 3600);
    }

    /**
     * {@code 42%}, rounded down so that 100% means complete; "" when the total is unknown (0).
     * Values past the total (possible until the guard stops a fetch) show as 100%.
     */
    public static String percent(long done, long total) {
        if (total <= 0) {
            return "";
        }
        if (done >= total) {
            return "100%";
        }
        // Double arithmetic: done * 100 would overflow a long above 92 PB.
        long pct = (long) Math.floor(Math.max(0, done) * 100.0 / total);
        return Math.min(pct, 99) + "%";
    }
}
