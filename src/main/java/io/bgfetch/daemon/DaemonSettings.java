package io.bgfetch.daemon;

import io.bgfetch.transfer.TransferSettings;
import io.bgfetch.units.ByteSize;
import io.bgfetch.units.DurationText;
import java.time.Duration;
import java.util.Map;

/**
 * Daemon-wide settings read from the environment at start (a daemon spawned by a client
 * inherits that client's environment). They exist for tuning and for tests that must not
 * wait 30 s for a stall; the defaults are right for real use.
 *
 * <ul>
 * <li>{@code BGFETCH_BACKOFF_BASE}, {@code BGFETCH_BACKOFF_MAX}: retry delays (1s, 5m)</li>
 * <li>{@code BGFETCH_STALL_TIMEOUT}: no body byte for this long drops the connection (30s)</li>
 * <li>{@code BGFETCH_CONNECT_TIMEOUT}: TCP connect timeout (30s)</li>
 * <li>{@code BGFETCH_CHECKPOINT_BYTES}: progress is recorded, with the block's CRC32C, at least this often per
 *     connection (4MiB; at least 64KiB): what a killed daemon downloads again</li>
 * <li>{@code BGFETCH_SYNC_INTERVAL}, {@code BGFETCH_SYNC_BYTES}: a body's written bytes are fsynced at least
 *     this often, or after this many bytes of it (5s, 1GiB): what a power loss makes it download again</li>
 * <li>{@code BGFETCH_QUOTA}: the most body bytes the store may hold (unlimited)</li>
 * <li>{@code BGFETCH_MAX_TRANSFERS}: the most records transferred at once over all fetches; the
 *     others wait their turn, shared fairly between fetches (16)</li>
 * <li>{@code BGFETCH_LOG_MAX}: {@code daemon.log} is rotated to {@code daemon.log.1} and
 *     {@code .2} beyond this size (1MiB; at least 4KiB), see {@link LogFile}</li>
 * </ul>
 */
record DaemonSettings(TransferSettings transfer, long quotaBytes, int maxTransfers) {
    static final int DEFAULT_MAX_TRANSFERS = 16;

    static DaemonSettings fromEnvironment(Map<String, String> env) {
        TransferSettings d = TransferSettings.defaults();
        TransferSettings transfer = new TransferSettings(
                duration(env, "BGFETCH_BACKOFF_BASE", d.backoffBase()),
                duration(env, "BGFETCH_BACKOFF_MAX", d.backoffMax()),
                duration(env, "BGFETCH_STALL_TIMEOUT", d.stallTimeout()),
                duration(env, "BGFETCH_CONNECT_TIMEOUT", d.connectTimeout()),
                Math.min(1L << 30, Math.max(64 << 10, size(env, "BGFETCH_CHECKPOINT_BYTES", d.checkpointBytes()))),
                d.bufferBytes(),
                duration(env, "BGFETCH_SYNC_INTERVAL", d.syncInterval()),
                Math.max(64 << 10, size(env, "BGFETCH_SYNC_BYTES", d.syncBytes())),
                d.disk());
        return new DaemonSettings(transfer, size(env, "BGFETCH_QUOTA", 0),
                count(env, "BGFETCH_MAX_TRANSFERS", DEFAULT_MAX_TRANSFERS));
    }

    /** A positive whole number, or the fallback (with a line in the log) for anything else. */
    private static int count(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // logged below
        }
        Log.info("ignoring " + name + ": not a whole number of at least 1: '" + v + "'");
        return fallback;
    }

    /** Read on its own, before the rest: the log is set up first, so that the rest can log. */
    static long logMaxBytes(Map<String, String> env) {
        return Math.max(4 << 10, size(env, "BGFETCH_LOG_MAX", 1 << 20));
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return DurationText.parse(v);
        } catch (IllegalArgumentException e) {
            Log.info("ignoring " + name + ": " + e.getMessage());
            return fallback;
        }
    }

    private static long size(Map<String, String> env, String name, long fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return ByteSize.parse(v);
        } catch (IllegalArgumentException e) {
            Log.info("ignoring " + name + ": " + e.getMessage());
            return fallback;
        }
    }
}
