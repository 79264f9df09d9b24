package io.bgfetch.transfer;

import java.io.IOException;
import java.util.Locale;

/** Turns I/O exceptions into the contract's failure classes. */
final class Failures {
    private Failures() {
    }

    /** A network failure (refused, reset, timeout, DNS, TLS, short body): always worth a retry. */
    static TransferFailure.Transient network(IOException e) {
        String what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (e instanceof java.net.SocketTimeoutException) {
            what = "no data for too long (stalled): " + e.getMessage();
        }
        return new TransferFailure.Transient(what, 0, null, e);
    }

    /**
     * A failure to write the body locally: a full disk or quota is {@code quota-exceeded},
     * anything else a {@code fetch-error}; neither is retried.
     */
    static TransferFailure.Permanent local(IOException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("no space left") || message.contains("disk quota exceeded")) {
            return new TransferFailure.Permanent(FailureKind.QUOTA, "the disk is full: " + e.getMessage(), 0, e);
        }
        return new TransferFailure.Permanent(FailureKind.FETCH_ERROR, "cannot write the body: " + e.getMessage(), 0, e);
    }
}
