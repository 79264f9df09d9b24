package io.bgfetch.protocol;

import java.util.List;
import java.util.Locale;

/**
 * Everything {@code bgfetch fetch} says about a fetch besides its ID and its requests: built
 * once by the command, normalised once here, sent in {@link Request.Fetch}, stored as it is
 * (one JSON column) and read back by the daemon's runs. A new {@code fetch} option is a new
 * component here, set by the command and read where it is used; nothing copies it in between.
 *
 * <p>Stored rows written by an older bgfetch lack the newer components: the store fills them
 * from {@link #DEFAULTS}, so every component needs a sensible default.
 *
 * @param title          human title ("" for none)
 * @param icon           absolute path of a notification icon, or null
 * @param downloadTotal  the caller's estimate of all bytes (0 for none); exceeding it fails the fetch
 * @param headers        raw "Name: value" lines for every request (may hold credentials)
 * @param method         the request method, upper case (GET, or POST with an upload)
 * @param uploadFile     the request body: the caller's file in a request, the daemon's own copy once stored
 * @param dest           absolute directory to place bodies in on success, or null
 * @param onSuccess      shell command run when the fetch succeeds, or null (likewise onFail, onAbort)
 * @param desktopNotify  a desktop notification when the fetch ends
 * @param replace        replace a finished fetch with the same ID
 * @param jobs           requests of this fetch transferred at once (at least 1)
 * @param connections    connections per request (at least 1)
 * @param limitRate      bytes per second for the whole fetch, 0 for no limit
 * @param retryForMillis how long transient errors are retried
 * @param network        proxies and trust, resolved by the command from its options and environment
 * @param ifChanged      re-run a finished fetch of this ID with conditional requests (the validators of
 *                       each record's last stored response); implies {@code replace}
 */
public record FetchOptions(String title, String icon, long downloadTotal, List<String> headers, String method,
                           String uploadFile, String dest, String onSuccess, String onFail, String onAbort,
                           boolean desktopNotify, boolean replace, int jobs, int connections, long limitRate,
                           long retryForMillis, NetworkOptions network, boolean ifChanged) {

    public static final long DEFAULT_RETRY_FOR_MILLIS = 24L * 60 * 60 * 1000;

    /** What an option left out means; also fills components missing from older stored rows. */
    public static final FetchOptions DEFAULTS = new FetchOptions(null, null, 0, null, null, null, null, null, null,
            null, false, false, 4, 1, 0, DEFAULT_RETRY_FOR_MILLIS, null, false);

    public FetchOptions {
        title = title == null ? "" : title;
        icon = emptyToNull(icon);
        downloadTotal = Math.max(0, downloadTotal);
        headers = headers == null ? List.of() : List.copyOf(headers);
        uploadFile = emptyToNull(uploadFile);
        method = method == null || method.isBlank() ? (uploadFile != null ? "POST" : "GET")
                : method.trim().toUpperCase(Locale.ROOT);
        dest = emptyToNull(dest);
        onSuccess = emptyToNull(onSuccess);
        onFail = emptyToNull(onFail);
        onAbort = emptyToNull(onAbort);
        jobs = Math.max(1, jobs);
        connections = Math.max(1, connections);
        limitRate = Math.max(0, limitRate);
        retryForMillis = Math.max(0, retryForMillis);
        network = network == null ? NetworkOptions.DIRECT : network;
        replace = replace || ifChanged;
    }

    /** Options without {@code --if-changed}. */
    public FetchOptions(String title, String icon, long downloadTotal, List<String> headers, String method,
                        String uploadFile, String dest, String onSuccess, String onFail, String onAbort,
                        boolean desktopNotify, boolean replace, int jobs, int connections, long limitRate,
                        long retryForMillis, NetworkOptions network) {
        this(title, icon, downloadTotal, headers, method, uploadFile, dest, onSuccess, onFail, onAbort,
                desktopNotify, replace, jobs, connections, limitRate, retryForMillis, network, false);
    }

    /** The same options with the request body at {@code file} (the daemon's own copy). */
    public FetchOptions withUploadFile(String file) {
        return new FetchOptions(title, icon, downloadTotal, headers, method, file, dest, onSuccess, onFail, onAbort,
                desktopNotify, replace, jobs, connections, limitRate, retryForMillis, network, ifChanged);
    }

    /** Headers, hooks and proxy URLs may carry credentials: keep them out of logs. */
    @Override
    public String toString() {
        return "FetchOptions[method=" + method + ", headers=" + headers.size() + " (hidden), jobs=" + jobs
                + ", connections=" + connections + ", dest=" + dest + (ifChanged ? ", if-changed" : "") + ", " + network + "]";
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
