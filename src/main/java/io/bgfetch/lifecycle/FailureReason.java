package io.bgfetch.lifecycle;

/**
 * Why a fetch or a record failed: the contract's five {@code failureReason}s. A record fails
 * with one of the transfer's reasons (bad-status, fetch-error, quota-exceeded) or, when its whole
 * fetch is discarded, with the fetch's.
 */
public enum FailureReason implements WireName {
    /** {@code bgfetch abort}: nothing of the fetch is kept. */
    ABORTED("aborted"),
    /** A response outside 200-299 that is not transient, or a transient one retried too long. */
    BAD_STATUS("bad-status"),
    /** A network error retried too long, an integrity mismatch, a body that cannot be written. */
    FETCH_ERROR("fetch-error"),
    /** The disk or the configured quota cannot hold a body: complete records are kept. */
    QUOTA_EXCEEDED("quota-exceeded"),
    /** More bytes arrived than {@code --download-total}: nothing of the fetch is kept. */
    DOWNLOAD_TOTAL_EXCEEDED("download-total-exceeded");

    private final String wire;

    FailureReason(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    /** null for "" (no failure). */
    public static FailureReason fromWire(String text) {
        return WireName.parseOptional(FailureReason.class, text);
    }
}
