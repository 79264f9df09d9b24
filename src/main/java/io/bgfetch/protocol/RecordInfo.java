package io.bgfetch.protocol;

import java.util.Map;

/**
 * A snapshot of one record (a request and its stored response), as {@code match --json}
 * prints it. Field names are part of the CLI contract; fields after {@code path} are additions.
 *
 * @param state      pending, active, done or failed
 * @param status     HTTP status of the stored response, or 0 before one arrived
 * @param headers    response headers, lower-case names; a repeated header is joined with ", "
 * @param size       the body's length when known (Content-Length), else -1
 * @param downloaded bytes of the body stored so far
 * @param path       the stored body file (absolute), or null when there is no body to give
 * @param available  bytes from the start of the body that are stored and readable in order
 * @param statusText the response's reason phrase, or ""
 * @param error      why the record failed, or ""
 * @param destPath   where {@code --dest} placed the body, or null
 */
public record RecordInfo(
        String url, String method, String state, int status, Map<String, String> headers,
        long size, long downloaded, String path,
        long available, String statusText, String error, String destPath) {

    public RecordInfo {
        headers = headers == null ? Map.of() : headers;
    }

    public boolean isDone() {
        return "done".equals(state);
    }

    public boolean isFailed() {
        return "failed".equals(state);
    }

}
