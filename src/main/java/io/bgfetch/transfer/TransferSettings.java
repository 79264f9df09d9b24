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
 * @param checkpointBytes at least this often (per connection) written bytes are fsynced and
 *                        recorded, which bounds what a crash makes us download again
 * @param bufferBytes     the size of one positional write
 */
public record TransferSettings(Duration backoffBase, Duration backoffMax, Duration stallTimeout,
                               Duration connectTimeout, long checkpointBytes, int bufferBytes) {

    public static TransferSettings defaults() {
        return new TransferSettings(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(30),
                Duration.ofSeconds(30), 4L << 20, 256 << 10);
    }
}
