package io.bgfetch.transfer;

import java.time.Duration;

/**
 * How an attempt at a body went wrong, classified once where it is detected (as
 * maven-resolver does) rather than as a deep exception hierarchy.
 */
public abstract sealed class TransferFailure extends Exception {
    private final int httpStatus;

    TransferFailure(String message, int httpStatus, Throwable cause) {
        // Messages quote servers (reason phrases, what a parser choked on): clean them once here,
        // so what is stored, logged and shown holds no control characters.
        super(ServerText.message(message), cause);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status behind the failure, or 0 for a network or local error. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Worth retrying after a delay: 408/429/5xx, refused or reset connections, timeouts, short bodies, stalls. */
    public static final class Transient extends TransferFailure {
        private final Duration retryAfter;

        public Transient(String message, int httpStatus, Duration retryAfter, Throwable cause) {
            super(message, httpStatus, cause);
            this.retryAfter = retryAfter;
        }

        /** What the server asked for in Retry-After, or null. */
        public Duration retryAfter() {
            return retryAfter;
        }

        /** What the record fails with once retrying has gone on too long. */
        public FailureKind kindWhenExhausted() {
            return httpStatus() > 0 ? FailureKind.BAD_STATUS : FailureKind.FETCH_ERROR;
        }
    }

    /** Final for this record: retrying cannot help. */
    public static final class Permanent extends TransferFailure {
        private final FailureKind kind;

        public Permanent(FailureKind kind, String message, int httpStatus, Throwable cause) {
            super(message, httpStatus, cause);
            this.kind = kind;
        }

        public FailureKind kind() {
            return kind;
        }
    }

    /**
     * The stored bytes cannot be continued (the resource changed, the server ignored the range
     * or lied about it, no validator proves sameness): discard the body and start from zero.
     */
    public static final class RestartBody extends TransferFailure {
        public RestartBody(String message) {
            super(message, 0, null);
        }
    }

    /** The fetch was paused, aborted or the daemon is stopping; not a failure of the body. */
    public static final class Cancelled extends TransferFailure {
        public Cancelled() {
            super("cancelled", 0, null);
        }
    }
}
