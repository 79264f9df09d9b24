package io.bgfetch.transfer;

import java.time.Duration;

/**
 * Daemon-wide transfer tuning. Defaults suit real networks; tests shorten the waits through
 * the environment (see the daemon's settings loader), never by skipping the behaviour.
 *
 * @param backoffBase     the first retry delay; it doubles per failed attempt, with jitter
 * @param backoffMax      the cap on one retry delay
 * @param stallTimeout    no body byte for this long drops the connection (and resumes)
 * @param connectTimeout  TCP connect timeout
 * @param checkpointBytes the block size: each connection records its progress, with the block's
 *                        CRC32C, every this many bytes, which bounds what a killed daemon
 *                        downloads again
 * @param bufferBytes     the size of one positional write
 * @param syncInterval    written bytes are fsynced (and the database told so) at least this often...
 * @param syncBytes       ...or after this many bytes of a body, whichever comes first: this bounds
 *                        what a power loss makes the daemon download again
 * @param disk            where bodies are written: the file system (tests give a disk that can lose power)
 */
public record TransferSettings(Duration backoffBase, Duration backoffMax, Duration stallTimeout,
                               Duration connectTimeout, long checkpointBytes, int bufferBytes,
                               Duration syncInterval, long syncBytes, BodyDisk disk) {

    public static final Duration SYNC_INTERVAL = Duration.ofSeconds(5);
    /**
     * Below about 1.7 Gbit/s the interval comes first: 5 s of a transfer, re-downloaded after a
     * power cut at the speed that brought it. The byte bound is for faster links. It was 256 MiB:
     * a 2 GiB download then wrote 1.75 GiB back to the disk before it ended, where curl leaves
     * all of it to the kernel's flusher, and took 3.27 s against 2.86 s with 1 GiB (medians of
     * 8 alternated runs, 2 cores).
     */
    public static final long SYNC_BYTES = 1L << 30;

    /** The tuning of the waits and sizes, with the default fsync cadence on the real file system. */
    public TransferSettings(Duration backoffBase, Duration backoffMax, Duration stallTimeout,
                            Duration connectTimeout, long checkpointBytes, int bufferBytes) {
        this(backoffBase, backoffMax, stallTimeout, connectTimeout, checkpointBytes, bufferBytes,
                SYNC_INTERVAL, SYNC_BYTES, BodyDisk.FILES);
    }

    public static TransferSettings defaults() {
        return new TransferSettings(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(30),
                Duration.ofSeconds(30), 4L << 20, 256 << 10);
    }

    /** The same settings writing bodies to {@code other} (a test's simulated disk). */
    public TransferSettings withDisk(BodyDisk other) {
        return new TransferSettings(backoffBase, backoffMax, stallTimeout, connectTimeout, checkpointBytes,
                bufferBytes, syncInterval, syncBytes, other);
    }

    /** The same settings with another fsync cadence. */
    public TransferSettings withSync(Duration interval, long bytes) {
        return new TransferSettings(backoffBase, backoffMax, stallTimeout, connectTimeout, checkpointBytes,
                bufferBytes, interval, bytes, disk);
    }
}
