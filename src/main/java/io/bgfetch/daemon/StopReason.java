package io.bgfetch.daemon;

import io.bgfetch.lifecycle.FailureReason;

/** Why a running fetch was told to stop before its records finished. */
enum StopReason {
    /** {@code bgfetch pause}: keep every byte, state paused. */
    PAUSE(null),
    /** The daemon is stopping: keep every byte, resume on the next start. */
    SHUTDOWN(null),
    /** {@code bgfetch abort}: nothing is kept. */
    ABORT(FailureReason.ABORTED),
    /** More bytes arrived than {@code --download-total}: nothing is kept. */
    DOWNLOAD_TOTAL_EXCEEDED(FailureReason.DOWNLOAD_TOTAL_EXCEEDED),
    /** The disk or quota cannot hold a body: completed records stay. */
    QUOTA_EXCEEDED(FailureReason.QUOTA_EXCEEDED);

    private final FailureReason failure;

    StopReason(FailureReason failure) {
        this.failure = failure;
    }

    /** The failure the fetch ends with, or null when the stop keeps it for later (pause, shutdown). */
    FailureReason failure() {
        return failure;
    }
}
