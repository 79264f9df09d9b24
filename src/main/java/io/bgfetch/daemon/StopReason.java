package io.bgfetch.daemon;

/** Why a running fetch was told to stop before its records finished. */
enum StopReason {
    /** {@code bgfetch pause}: keep every byte, state paused. */
    PAUSE,
    /** The daemon is stopping: keep every byte, resume on the next start. */
    SHUTDOWN,
    /** {@code bgfetch abort}: nothing is kept. */
    ABORT,
    /** More bytes arrived than {@code --download-total}: nothing is kept. */
    DOWNLOAD_TOTAL_EXCEEDED,
    /** The disk or quota cannot hold a body: completed records stay. */
    QUOTA_EXCEEDED
}
