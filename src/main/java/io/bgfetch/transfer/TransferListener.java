package io.bgfetch.transfer;

import java.time.Instant;
import java.util.List;

/**
 * What a {@link RecordDownload} reports as it goes; the daemon persists it. Methods may be
 * called from several threads (one per connection) and must be thread-safe.
 */
public interface TransferListener {

    /**
     * A response the body starts from zero with (a fresh download or a restart). Persist it, at
     * the latest with the plan ({@link #planned}), which always follows before the first byte.
     * May refuse the body, e.g. with a quota failure when its size cannot be stored.
     */
    void headReceived(ResponseHead head) throws TransferFailure.Permanent;

    /**
     * A response outside 2xx (its body is not kept): persist its status line and headers, so that
     * a failed record shows why; it is not a head any body can resume from.
     */
    void errorResponse(ResponseHead head);

    /**
     * The body's new plan, every segment at zero: it replaces any earlier plan and starts a new
     * generation of the body. When {@link #describesEarlierBody} it must be durable (survive a
     * power loss) when it returns: the body file was emptied durably just before, and the new
     * body's bytes are written only after.
     */
    void planned(List<Segment> plan);

    /**
     * Whether the store may describe an earlier body of this record, now or after a power cut:
     * a plan with durable marks (trusted without checksums), or a previous response kept for a
     * re-check. Only then must a new body be emptied and planned durably before its first byte
     * (the store's power-loss rule 2). A record that never had a body needs neither: after a
     * power cut its file is either described by no plan, or by the new plan, whose bytes are
     * trusted only up to marks set after an fsync, and beyond them only where their checksums
     * match. That saves two fsyncs per body, the cost that dominates many small files.
     */
    default boolean describesEarlierBody() {
        return true;
    }

    /** {@code n} more body bytes arrived (counted before they are durable). Called very often. */
    void bytesArrived(int n) throws TransferFailure.Permanent;

    /**
     * The first {@code written} bytes of the segment are in the body file (not necessarily
     * durable yet), and block {@code blk} of the segment, the one those bytes end in, has the
     * CRC32C {@code crc} over its bytes up to there ({@code blk} is -1 when nothing is written).
     * Record it cheaply: after an unclean stop these bytes are checked against their checksums
     * before they are trusted. Called once per block per connection, and when a connection stops.
     * Throws when it cannot be recorded (a full disk is a quota failure).
     */
    void progress(Segment segment, long written, int blk, int crc) throws TransferFailure.Permanent;

    /**
     * The body file was fsynced holding the first {@code bytes[i]} bytes of segment
     * {@code segments[i]}: record them as durable. With {@code force} (the sync cadence) the
     * record itself must survive a power loss when this returns; without (a transfer stopping)
     * the next forced commit may carry it. May be called from a background thread.
     */
    void durable(int[] segments, long[] bytes, boolean force) throws TransferFailure.Permanent;

    /**
     * A connection took over part of a segment: {@code from} now ends at {@code added.start()},
     * and {@code added} (a new index, nothing written) covers the rest up to where {@code from}
     * ended. Record both in one commit, before any progress of {@code added} is recorded; it
     * need not be forced: a power cut that loses it loses the progress recorded after it too,
     * and {@code from} as it was stored covers the whole range again. Called from the
     * connection's thread, one split at a time per body.
     */
    void split(Segment from, Segment added) throws TransferFailure.Permanent;

    /**
     * At resume, the segment turned out to hold only its first {@code bytes} (the file is shorter,
     * or blocks past the durable mark did not match their checksums): it goes on from there.
     * Called before the segment itself is cut back, so {@code segment.written()} is what it claimed.
     */
    void cutBack(Segment segment, long bytes) throws TransferFailure.Permanent;

    /** The stored bytes were discarded; the body starts from zero. */
    void restarted(String reason);

    /** The body's integrity check failed; it is discarded and fetched once more. */
    void integrityMismatch();

    /** A transient failure; the next attempt is due at {@code nextAttempt}. */
    void waiting(String reason, Instant nextAttempt);

    /** An attempt starts (after a wait, or the first one). */
    void attempting();

    /** Bytes of the request body sent so far in the current attempt. */
    void uploaded(long bytes);

    /** When the retry window open at the last stop started (persisted), or null: it goes on counting. */
    default Instant retryWindowStart() {
        return null;
    }

    /** The retry window opened at {@code since}, or closed (null) because the body progressed: persist it. */
    default void retryWindow(Instant since) {
    }

    /**
     * The source in use failed for good and the next one takes over: persist {@code source}
     * (1 for the first mirror, ...) so a restart goes on from it.
     */
    default void sourceChanged(int source, String url, String reason) {
    }
}
