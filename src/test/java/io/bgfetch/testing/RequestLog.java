package io.bgfetch.testing;

import java.util.Map;

/**
 * One request as the {@link TestServer} received it.
 *
 * @param method  request method as sent
 * @param target  request target as sent (path and query)
 * @param headers request headers with lower-case names; repeated headers joined with ", "
 * @param body    request body (empty when none)
 * @param status  the status the server answered with, or 0 when it sent no response
 *                ({@link Fault#refuse()})
 */
public record RequestLog(String method, String target, Map<String, String> headers, byte[] body, int status) {

    /** A request header by (case-insensitive) name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public String toString() {
        return method + " " + target + " -> " + status + " " + headers;
    }
}
