package io.bgfetch.transfer;

import io.bgfetch.protocol.NetworkOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One record's request and where its body goes.
 *
 * @param headers          raw "Name: value" lines from -H (may hold credentials: never logged)
 * @param uploadFile       the request body, or null
 * @param sha256           expected body digest (lowercase hex), or null
 * @param connections      how many connections may share this body (ranges)
 * @param integrityRetries how many times this body was already discarded for a mismatch
 * @param network          proxies and trust for this fetch
 * @param credentials      "user:password" for HTTP Basic to this URL's origin only, or null
 */
public record DownloadRequest(String url, String method, List<String> headers, Path uploadFile,
                              String sha256, int connections, Duration retryFor, Path bodyFile,
                              int integrityRetries, NetworkOptions network, String credentials) {

    public DownloadRequest {
        network = network == null ? NetworkOptions.DIRECT : network;
    }

    /** Only a plain GET's response can be continued with a range; other methods start again. */
    boolean resumable() {
        return "GET".equals(method) && uploadFile == null;
    }

    @Override
    public String toString() {
        return "DownloadRequest[" + method + " " + url + (credentials == null ? "" : " (credentials hidden)") + "]";
    }
}
