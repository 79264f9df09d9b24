package io.bgfetch.transfer;

import java.util.Map;

/**
 * The status line and headers of the response a body starts from, with what resuming needs.
 *
 * @param headers      lower-case names; repeated headers joined with ", "
 * @param size         Content-Length of the full body, or -1 when unknown
 * @param etag         the ETag, or null
 * @param lastModified the Last-Modified date, or null
 * @param acceptsRanges the server said {@code Accept-Ranges: bytes}
 */
public record ResponseHead(int status, String statusText, Map<String, String> headers, long size,
                           String etag, String lastModified, boolean acceptsRanges) {

    /**
     * The validator for If-Range: a strong ETag, else Last-Modified (RFC 9110 §13.1.5);
     * null when there is none, and then stored bytes cannot be proven to be the same resource.
     */
    public String ifRangeValidator() {
        if (etag != null && !etag.startsWith("W/")) {
            return etag;
        }
        return lastModified;
    }
}
