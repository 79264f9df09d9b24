package io.bgfetch.daemon;

import io.bgfetch.transfer.TransferSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Daemon-wide settings read from the environment at start (a daemon spawned by a client
 * inherits that client's environment). They exist for tuning and for tests that must not
 * wait 30 s for a stall; the defaults are right for real use.
 *
 * <ul>
 * <li>{@code BGFETCH_BACKOFF_BASE}, {@code BGFETCH_BACKOFF_MAX}: retry delays (1s, 5m)</li>
 * <li>{@code BGFETCH_STALL_TIMEOUT}: no body byte for this long drops the connection (30s)</li>
 * <li>{@code BGFETCH_CONNECT_TIMEOUT}: TCP connect timeout (30s)</li>
 * <li>{@code BGFETCH_CHECKPOINT_BYTES}: progress is fsynced and recorded at least this often per connection (4MiB)</li>
 * <li>{@code BGFETCH_QUOTA}: the most body bytes the store may hold (unlimited)</li>
 * </ul>
 */
record DaemonSettings(TransferSettings transfer, long quotaBytes) {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b?)", Pattern.CASE_INSENSITIVE);

    static DaemonSettings fromEnvironment(Map<String, String> env) {
        TransferSettings d = TransferSettings.defaults();
        TransferSettings transfer = new TransferSettings(
                duration(env, "BGFETCH_BACKOFF_BASE", d.backoffBase()),
                duration(env, "BGFETCH_BACKOFF_MAX", d.backoffMax()),
                duration(env, "BGFETCH_STALL_TIMEOUT", d.stallTimeout()),
                duration(env, "BGFETCH_CONNECT_TIMEOUT", d.connectTimeout()),
                Math.max(64 << 10, size(env, "BGFETCH_CHECKPOINT_BYTES", d.checkpointBytes())),
                d.bufferBytes());
        return new DaemonSettings(transfer, size(env, "BGFETCH_QUOTA", 0));
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        Matcher m = DURATION.matcher(v.trim());
        if (!m.matches()) {
            Log.info("ignoring " + name + "='" + v + "' (examples: 500ms, 30s, 10m)");
            return fallback;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static long size(Map<String, String> env, String name, long fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        Matcher m = SIZE.matcher(v.trim());
        if (!m.matches()) {
            Log.info("ignoring " + name + "='" + v + "' (examples: 4MiB, 500K)");
            return fallback;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        boolean decimal = m.group(3).equalsIgnoreCase("b") && !unit.isEmpty();
        long base = decimal ? 1000 : 1024;
        int power = "kmgt".indexOf(unit.isEmpty() ? 'x' : unit.charAt(0)) + 1;
        for (int i = 0; i < power; i++) {
            n *= base;
        }
        return n;
    }
}
