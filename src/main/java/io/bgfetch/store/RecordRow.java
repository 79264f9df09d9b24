package io.bgfetch.store;

/**
 * A record (one request of a fetch and its stored response) as stored.
 *
 * @param state         pending, active, done or failed
 * @param size          the body's length from Content-Length, -1 while unknown
 * @param headersJson   response headers as a JSON object (lower-case names)
 * @param failureKind   for a failed record: bad-status or fetch-error; else ""
 * @param integrityRetries how many times the body was discarded for an integrity mismatch
 */
public record RecordRow(long fetchKey, int idx, String url, String method, String sha256, String outName,
                        String state, int status, String statusText, String headersJson, long size,
                        String etag, String lastModified, String failureKind, String error,
                        int integrityRetries, String destPath) {

    public boolean isDone() {
        return "done".equals(state);
    }

    public boolean isFinished() {
        return "done".equals(state) || "failed".equals(state);
    }
}
