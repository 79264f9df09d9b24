package io.bgfetch.protocol;

import io.bgfetch.lifecycle.RecordState;
import java.util.Map;

/**
 * A snapshot of one record (a request and its stored response), as {@code match --json}
 * prints it. Field names are part of the CLI contract; fields after {@code path} are additions.
 *
 * @param state      pending, active, done or failed
 * @param status     HTTP status of the stored response, or 0 before one arrived
 * @param headers    response headers, lower-case names; a repeated header is joined with ", "
 * @param size       never negative: the stored body's size once done, the announced length
 *                   (Content-Length) while it arrives, 0 when no length is known or there is no
 *                   body (a failed record)
 * @param downloaded bytes of the body stored so far
 * @param path       the stored body file (absolute), or null when there is no body to give
 * @param available  bytes from the start of the body that are stored and readable in order
 * @param statusText the response's reason phrase, or ""
 * @param error      why the record failed, or ""
 * @param destPath   where {@code --dest} placed the body, or null
 * @param notModified the record was re-checked by {@code fetch --if-changed} and the server
 *                   answered 304: the body (and its {@code --dest} file) is the one stored before
 * @param generation how many times the body started from zero (0 before any body): bytes read
 *                   while it had one generation are never continued by bytes of another, so a
 *                   reader that sees it change must start again (match never writes a splice)
 */
public record RecordInfo(
        String url, String method, String state, int status, Map<String, String> headers,
        long size, long downloaded, String path,
        long available, String statusText, String error, String destPath, boolean notModified, long generation) {

    public RecordInfo {
        headers = headers == null ? Map.of() : headers;
    }

    /** A record that was not re-checked with {@code --if-changed}. */
    public RecordInfo(String url, String method, String state, int status, Map<String, String> headers,
                      long size, long downloaded, String path, long available, String statusText, String error,
                      String destPath) {
        this(url, method, state, status, headers, size, downloaded, path, available, statusText, error, destPath,
                false, 0);
    }

    public boolean isDone() {
        return RecordState.DONE.wire().equals(state);
    }

    public boolean isFailed() {
        return RecordState.FAILED.wire().equals(state);
    }

}
