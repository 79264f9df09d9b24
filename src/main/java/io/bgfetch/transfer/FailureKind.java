package io.bgfetch.transfer;

/** Why a record failed for good, in the contract's words. */
public enum FailureKind {
    /** An HTTP status outside 200-299 that is not transient, or a transient one retried too long. */
    BAD_STATUS("bad-status"),
    /** A network error retried too long, an integrity mismatch, or a body that cannot be written. */
    FETCH_ERROR("fetch-error"),
    /** The disk or the configured quota cannot hold the body. */
    QUOTA("quota-exceeded");

    private final String reason;

    FailureKind(String reason) {
        this.reason = reason;
    }

    /** The contract's failureReason string. */
    public String reason() {
        return reason;
    }
}
