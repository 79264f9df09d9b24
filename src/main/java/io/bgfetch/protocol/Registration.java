package io.bgfetch.protocol;

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
 */
public record Registration(
        String id, String title, String state, String result, String failureReason,
        long downloaded, long downloadTotal, long uploaded, long uploadTotal,
        int requests, int completed, boolean recordsAvailable,
        String createdAt, String finishedAt,
        String message, String nextAttemptAt, String dest, long bytesPerSecond) {

    public boolean isDone() {
        return "done".equals(state);
    }

}
