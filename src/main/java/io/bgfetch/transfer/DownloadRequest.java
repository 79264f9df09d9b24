package io.bgfetch.transfer;

import io.bgfetch.protocol.NetworkOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

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
 * @param mirrors          other URLs of the same body, tried in order once the ones before failed for good
 * @param source           the source to start with: 0 for {@code url}, i for {@code mirrors[i-1]}
 * @param ifNoneMatch      the ETag of a stored body to re-check ({@code --if-changed}), or null
 * @param ifModifiedSince  its Last-Modified date, or null; with neither, the request is unconditional
 */
public record DownloadRequest(String url, String method, List<String> headers, Path uploadFile,
                              String sha256, int connections, Duration retryFor, Path bodyFile,
                              int integrityRetries, NetworkOptions network, String credentials,
                              List<String> mirrors, int source, String ifNoneMatch, String ifModifiedSince) {

    public DownloadRequest {
        network = network == null ? NetworkOptions.DIRECT : network;
        mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
        source = Math.max(0, Math.min(source, mirrors.size()));
    }

    /** A request with one source and no stored body to re-check. */
    public DownloadRequest(String url, String method, List<String> headers, Path uploadFile, String sha256,
                           int connections, Duration retryFor, Path bodyFile, int integrityRetries,
                           NetworkOptions network, String credentials) {
        this(url, method, headers, uploadFile, sha256, connections, retryFor, bodyFile, integrityRetries, network,
                credentials, null, 0, null, null);
    }

    /** Only a plain GET's response can be continued with a range; other methods start again. */
    boolean resumable() {
        return "GET".equals(method) && uploadFile == null;
    }

    /** Whether the first response may be a 304 that keeps the stored body. */
    boolean conditional() {
        return ifNoneMatch != null || ifModifiedSince != null;
    }

    /** The URL and its mirrors. */
    int sourceCount() {
        return 1 + mirrors.size();
    }

    /**
     * This request sent to source {@code index}: the same body, headers and options, at that
     * URL. Credentials were given for the URL's origin, so a mirror on another origin gets none.
     */
    DownloadRequest atSource(int index) {
        if (index == 0) {
            return this;
        }
        String mirror = mirrors.get(index - 1);
        return new DownloadRequest(mirror, method, headers, uploadFile, sha256, connections, retryFor, bodyFile,
                integrityRetries, network, sameOrigin(url, mirror) ? credentials : null, List.of(), 0, ifNoneMatch,
                ifModifiedSince);
    }

    static boolean sameOrigin(String a, String b) {
        try {
            URI x = URI.create(a);
            URI y = URI.create(b);
            return x.getScheme() != null && x.getScheme().equalsIgnoreCase(y.getScheme())
                    && x.getHost() != null && y.getHost() != null
                    && x.getHost().toLowerCase(Locale.ROOT).equals(y.getHost().toLowerCase(Locale.ROOT))
                    && port(x) == port(y);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    @Override
    public String toString() {
        return "DownloadRequest[" + method + " " + url + (mirrors.isEmpty() ? "" : " +" + mirrors.size() + " mirrors")
                + (credentials == null ? "" : " (credentials hidden)") + "]";
    }
}
