package io.bgfetch.store;

import io.bgfetch.lifecycle.FailureReason;
import io.bgfetch.lifecycle.RecordState;
import io.bgfetch.protocol.RequestSpec;

/**
 * A record (one request of a fetch and its stored response) as stored.
 *
 * @param spec          the request as the user gave it
 * @param state         as stored: pending, done or failed (never active: that is live)
 * @param size          the body's length from Content-Length, -1 while unknown
 * @param headersJson   response headers as a JSON object (lower-case names)
 * @param failureReason for a failed record why (its own reason, or its discarded fetch's); else null
 * @param integrityRetries how many times the body was discarded for an integrity mismatch
 * @param previous      for a record re-checked by {@code --if-changed}: the response it started
 *                      from, until a new body starts; else null
 * @param notModified   the re-check was answered 304: the body is the previous one
 * @param source        which of the request's sources is in use: 0 the URL, 1.. its mirrors
 * @param generation    how many times a body started from zero (0 before the first one): a
 *                      reader following the body knows by it that the bytes it read are not
 *                      continued by the ones to come
 * @param destPath      where {@code --dest} places (or placed) the body, or null
 * @param destMtime     with {@code destPath}: the placed file's modification time (ms) when bgfetch
 *                      placed it, {@link PlacedFile#PLACING} while its part file is being renamed
 *                      there, or null for a body that {@code --dest} copied (an older bgfetch)
 */
public record RecordRow(long fetchKey, int idx, RequestSpec spec, String method,
                        RecordState state, int status, String statusText, String headersJson, long size,
                        String etag, String lastModified, FailureReason failureReason, String error,
                        int integrityRetries, String destPath, PreviousResponse previous, boolean notModified,
                        int source, long generation, Long destMtime) {

    /** A record as it was before bodies had generations, whose body {@code --dest} did not place. */
    public RecordRow(long fetchKey, int idx, RequestSpec spec, String method, RecordState state, int status,
                     String statusText, String headersJson, long size, String etag, String lastModified,
                     FailureReason failureReason, String error, int integrityRetries, String destPath,
                     PreviousResponse previous, boolean notModified, int source) {
        this(fetchKey, idx, spec, method, state, status, statusText, headersJson, size, etag, lastModified,
                failureReason, error, integrityRetries, destPath, previous, notModified, source, 0, null);
    }

    /** A record that is not a re-check and uses its URL. */
    public RecordRow(long fetchKey, int idx, RequestSpec spec, String method, RecordState state, int status,
                     String statusText, String headersJson, long size, String etag, String lastModified,
                     FailureReason failureReason, String error, int integrityRetries, String destPath) {
        this(fetchKey, idx, spec, method, state, status, statusText, headersJson, size, etag, lastModified,
                failureReason, error, integrityRetries, destPath, null, false, 0, 0, null);
    }

    public String url() {
        return spec.url();
    }

    public String sha256() {
        return spec.sha256();
    }

    public String outName() {
        return spec.out();
    }

    public boolean isDone() {
        return state == RecordState.DONE;
    }

    public boolean isFailed() {
        return state == RecordState.FAILED;
    }

    /**
     * The body was written once, into {@code --dest}: the record's body is the file at
     * {@link #destPath}, the user's from then on.
     */
    public boolean isPlaced() {
        return destPath != null && destMtime != null && destMtime != PlacedFile.PLACING;
    }

    /** The body's part file is being renamed to {@link #destPath} (a placement a crash cut short). */
    public boolean isPlacing() {
        return destPath != null && destMtime != null && destMtime == PlacedFile.PLACING;
    }

    public boolean isFinished() {
        return state.isFinished();
    }
}
