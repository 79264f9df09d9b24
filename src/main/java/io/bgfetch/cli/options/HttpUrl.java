package io.bgfetch.cli.options;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The check every URL passes before it reaches the daemon: only absolute {@code http} and
 * {@code https} URLs with a host are accepted (the contract makes anything else a usage error).
 *
 * <p>Deliberately strict and predictable: the text must parse as a {@link URI} (RFC 2396), so
 * characters that need percent-encoding, such as spaces, are rejected rather than silently
 * encoded; the user sees the error and can quote the URL the way they mean it. Hosts that
 * {@code URI} does not recognise as server names (for example with an underscore) have no host
 * and are rejected too.
 */
public final class HttpUrl {

    private HttpUrl() {
    }

    /**
     * @return the URL as given, with surrounding whitespace removed
     * @throws IllegalArgumentException {@code not an http(s) URL: ftp://x} for another scheme or a
     *                                  relative reference, {@code invalid URL '...'} for text that is
     *                                  no URL or has no host
     */
    public static String require(String text) {
        String url = text == null ? "" : text.strip();
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid URL '" + url + "'");
        }
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw new IllegalArgumentException(url.isEmpty()
                    ? "invalid URL ''"
                    : "not an http(s) URL: " + url);
        }
        String lower = scheme.toLowerCase(Locale.ROOT);
        if (!lower.equals("http") && !lower.equals("https")) {
            throw new IllegalArgumentException("not an http(s) URL: " + url);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("invalid URL '" + url + "' (no host)");
        }
        if (uri.getPort() > 65535) {
            throw new IllegalArgumentException("invalid URL '" + url + "' (port out of range)");
        }
        return url;
    }
}
