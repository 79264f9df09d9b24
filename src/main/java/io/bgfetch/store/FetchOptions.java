package io.bgfetch.store;

import java.util.List;

/**
 * The per-fetch settings that the transfers need, stored as one JSON column.
 *
 * @param uploadFile the daemon's own copy of the request body (under the store), or null
 * @param limitRate  bytes per second for the whole fetch, 0 for no limit
 */
public record FetchOptions(List<String> headers, String method, String uploadFile, String dest,
                           String onSuccess, String onFail, String onAbort, boolean desktopNotify,
                           int jobs, int connections, long limitRate, long retryForMillis) {

    @Override
    public String toString() {
        return "FetchOptions[method=" + method + ", headers=" + (headers == null ? 0 : headers.size()) + " (hidden)]";
    }
}
