package io.bgfetch.protocol;

import io.bgfetch.lifecycle.FetchState;
import java.util.List;

/**
 * A snapshot of one fetch (a "registration"), as {@code status --json} prints it.
 * Field names and meanings are part of the CLI contract; fields after {@code finishedAt}
 * are bgfetch additions.
 *
 * @param state          queued, active, paused, waiting or done
 * @param result         "" while running, then success or failure
 * @param failureReason  "" or one of aborted, bad-status, fetch-error, quota-exceeded,
 *                       download-total-exceeded
 * @param finishedAt     ISO-8601 instant, or null while the fetch is not done
 * @param message        a human explanation of the failure or of the waiting state, or ""
 * @param nextAttemptAt  while waiting: when the next attempt is due (ISO-8601), else null
 * @param expectedTotal  the total a progress display may show a percent of: downloadTotal when
 *                       given, else the sum of the sizes the servers announced once every
 *                       record's size is known, else 0
 * @param transfers      the records being transferred right now (for per-transfer progress lines)
 */
public record Registration(
        String id, String title, String state, String result, String failureReason,
        long downloaded, long downloadTotal, long uploaded, long uploadTotal,
        int requests, int completed, boolean recordsAvailable,
        String createdAt, String finishedAt,
        String message, String nextAttemptAt, String dest, long bytesPerSecond,
        long expectedTotal, List<Transfer> transfers) {

    public Registration {
        transfers = transfers == null ? List.of() : List.copyOf(transfers);
    }

    /**
     * One record in flight.
     *
     * @param index      the record's position in the fetch
     * @param name       a short human name (the --dest file name, else the URL's last segment)
     * @param size       the announced length, or 0 when unknown
     * @param bytesPerSecond this record's recent rate
     */
    public record Transfer(int index, String url, String name, long downloaded, long size, long bytesPerSecond) {
    }

    public boolean isDone() {
        return FetchState.DONE.wire().equals(state);
    }

}
