package io.bgfetch.protocol;

import java.util.List;

/**
 * One request of a fetch as the user gave it: a URL with optional per-request keys from an
 * {@code --input} line. Stored as it is with its record.
 *
 * @param url         an absolute http or https URL, without user info (credentials go to {@code credentials})
 * @param sha256      expected SHA-256 of the body as lowercase hex, or null when none was given
 *                    ({@code integrity=sha256-<base64>} is converted to hex by the parser)
 * @param out         the file name to use under {@code --dest}, or null to derive one
 * @param credentials "user:password" for HTTP Basic to this URL's origin only (from the URL's
 *                    user info, {@code -u} or a netrc file), or null
 * @param mirrors     other http(s) URLs of the same body ({@code mirror=}), tried in order when the
 *                    ones before have failed for good; never null. They carry no user info, and
 *                    {@code credentials} go to a mirror only when it shares the URL's origin.
 */
public record RequestSpec(String url, String sha256, String out, String credentials, List<String> mirrors) {

    public RequestSpec {
        sha256 = sha256 == null || sha256.isEmpty() ? null : sha256;
        out = out == null || out.isEmpty() ? null : out;
        credentials = credentials == null || credentials.isEmpty() ? null : credentials;
        mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
    }

    public RequestSpec(String url, String sha256, String out, String credentials) {
        this(url, sha256, out, credentials, null);
    }

    public RequestSpec(String url) {
        this(url, null, null, null, null);
    }

    /** The same request with credentials for its origin. */
    public RequestSpec withCredentials(String userAndPassword) {
        return new RequestSpec(url, sha256, out, userAndPassword, mirrors);
    }

    /** The same request at {@code newUrl} (its user info taken out) with credentials for its origin. */
    public RequestSpec withUrlAndCredentials(String newUrl, String userAndPassword) {
        return new RequestSpec(newUrl, sha256, out, userAndPassword, mirrors);
    }

    @Override
    public String toString() {
        return "RequestSpec[" + url + (mirrors.isEmpty() ? "" : " +" + mirrors.size() + " mirrors")
                + (credentials == null ? "" : " (credentials hidden)") + "]";
    }
}
