package io.bgfetch.transfer;

import io.bgfetch.lifecycle.FailureReason;

/** Why a record's transfer failed for good: the three of the contract's reasons a transfer can give. */
public enum FailureKind {
    /** An HTTP status outside 200-299 that is not transient, or a transient one retried too long. */
    BAD_STATUS(FailureReason.BAD_STATUS),
    /** A network error retried too long, an integrity mismatch, or a body that cannot be written. */
    FETCH_ERROR(FailureReason.FETCH_ERROR),
    /** The disk or the configured quota cannot hold the body. */
    QUOTA(FailureReason.QUOTA_EXCEEDED);

    private final FailureReason reason;

    FailureKind(FailureReason reason) {
        this.reason = reason;
    }

    /** The contract's failureReason. */
    public FailureReason reason() {
        return reason;
    }
}
