package io.bgfetch.transfer;

import java.io.IOException;
import java.util.Locale;

/** Turns I/O exceptions into the contract's failure classes. */
final class Failures {
    private Failures() {
    }

    /** A network failure (refused, reset, timeout, DNS, TLS, short body): always worth a retry. */
    static TransferFailure.Transient network(IOException e) {
        return new TransferFailure.Transient(describe(e), 0, null, e);
    }

    /** Says what went wrong in a user's words rather than an exception class's. */
    static String describe(IOException e) {
        String detail = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof java.net.SocketTimeoutException) {
            return "no data for too long (stalled or timed out)";
        } else if (e instanceof java.net.UnknownHostException) {
            return "cannot resolve the host name " + detail;
        } else if (e instanceof java.net.ConnectException) {
            return "cannot connect: " + detail;
        } else if (e instanceof javax.net.ssl.SSLException) {
            return "TLS failed: " + detail;
        } else if (e instanceof org.apache.hc.core5.http.ConnectionClosedException) {
            return "the connection closed early: " + detail;
        } else if (e instanceof java.net.SocketException) {
            return "the connection broke: " + detail;
        }
        return e.getClass().getSimpleName() + (detail.isEmpty() ? "" : ": " + detail);
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
