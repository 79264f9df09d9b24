package io.bgfetch.transfer;

import java.time.Instant;
import java.util.List;

/**
 * What a {@link RecordDownload} reports as it goes; the daemon persists it. Methods may be
 * called from several threads (one per connection) and must be thread-safe.
 */
public interface TransferListener {

    /**
     * A response the body starts from zero with (a fresh download or a restart). Persist it.
     * May refuse the body, e.g. with a quota failure when its size cannot be stored.
     */
    void headReceived(ResponseHead head) throws TransferFailure.Permanent;

    /**
     * A response outside 2xx (its body is not kept): persist its status line and headers, so that
     * a failed record shows why; it is not a head any body can resume from.
     */
    void errorResponse(ResponseHead head);

    /** The body's new plan, every segment at zero; replaces any earlier plan. */
    void planned(List<Segment> plan);

    /** {@code n} more body bytes arrived (counted before they are durable). Called very often. */
    void bytesArrived(int n) throws TransferFailure.Permanent;

    /**
     * The first {@code durableBytes} bytes of the segment are fsynced to the body file: persist
     * that, so a restart continues from there. Throws when it cannot be recorded (a full disk
     * is a quota failure). May be called from a background thread.
     */
    void checkpoint(Segment segment, long durableBytes) throws TransferFailure.Permanent;

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

    /**
     * The source in use failed for good and the next one takes over: persist {@code source}
     * (1 for the first mirror, ...) so a restart goes on from it.
     */
    default void sourceChanged(int source, String url, String reason) {
    }
}
