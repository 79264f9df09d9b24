package io.bgfetch.transfer;

import java.io.IOException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.TruncatedChunkException;

/** Turns I/O exceptions into the contract's failure classes. */
final class Failures {
    private Failures() {
    }

    /**
     * A network failure. Refused, reset, timed-out, unresolved and cut-short connections may
     * heal and are {@link TransferFailure.Transient}; an untrusted certificate and a malformed
     * or oversized response cannot, and fail at once. (A proxy refusing a CONNECT tunnel is a
     * response, see {@link HttpTransport#statusFailure}.)
     */
    static TransferFailure network(IOException e) {
        TransferFailure.Permanent permanent = permanent(e);
        return permanent != null ? permanent : new TransferFailure.Transient(describe(e), 0, null, e);
    }

    private static TransferFailure.Permanent permanent(IOException e) {
        String untrusted = untrustedCertificate(e);
        if (untrusted != null) {
            return fetchError(untrusted, e);
        }
        if ((e instanceof ClientProtocolException && e.getCause() instanceof ProtocolException)
                || e instanceof MessageConstraintException
                || (e instanceof MalformedChunkCodingException && !(e instanceof TruncatedChunkException))) {
            // HttpCore wraps a ProtocolException (bad status line, bad header) in ClientProtocolException
            return fetchError("the server sent a malformed response (" + detail(e) + ")", e);
        }
        if (e instanceof ClientProtocolException) {
            return fetchError("the request cannot be made (" + detail(e) + ")", e);
        }
        return null;
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
        } else if (e instanceof org.apache.hc.core5.http.NoHttpResponseException) {
            return "the server closed the connection without answering";
        } else if (e instanceof javax.net.ssl.SSLException) {
            return "TLS failed: " + detail;
        } else if (e instanceof ConnectionClosedException || e instanceof TruncatedChunkException) {
            return "the connection closed early: " + detail;
        } else if (e instanceof java.net.SocketException) {
            return "the connection broke: " + detail;
        }
        return e.getClass().getSimpleName() + (detail.isEmpty() ? "" : ": " + detail);
    }

    /**
     * Why a TLS handshake failed for a reason no retry can change (the certificate chain is not
     * trusted, has expired, or names another host; the server offered nothing we accept), or
     * null when it may heal (the connection dropped during the handshake).
     */
    private static String untrustedCertificate(IOException e) {
        if (e instanceof SSLPeerUnverifiedException) {
            return "the server's TLS certificate does not match the host name (" + detail(e) + ")";
        }
        if (!(e instanceof SSLHandshakeException)) {
            return null;
        }
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof CertPathValidatorException
                    || t instanceof CertPathBuilderException) {
                return "the server's TLS certificate is not trusted (" + whyUntrusted(t)
                        + "); --cacert adds a CA, -k skips the check";
            }
        }
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("fatal alert") || message.contains("no appropriate protocol")
                || message.contains("no cipher suites in common")) {
            return "the TLS handshake failed: " + detail(e);
        }
        return null;
    }

    /** The reason deepest in a certificate failure, in words where the JDK's are cryptic. */
    private static String whyUntrusted(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof CertificateExpiredException) {
            return "it has expired: " + root.getMessage();
        }
        if (root instanceof CertificateNotYetValidException) {
            return "it is not valid yet: " + root.getMessage();
        }
        if (root instanceof CertPathBuilderException
                || String.valueOf(root.getMessage()).contains("unable to find valid certification path")) {
            return "it is not issued by a trusted CA";
        }
        return detail(root);
    }

    private static TransferFailure.Permanent fetchError(String message, Throwable cause) {
        return new TransferFailure.Permanent(FailureKind.FETCH_ERROR, message, 0, cause);
    }

    /** The innermost useful message of an exception chain. */
    private static String detail(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t instanceof ClientProtocolException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
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
