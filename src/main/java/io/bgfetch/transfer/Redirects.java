package io.bgfetch.transfer;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.hc.client5.http.utils.URIUtils;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;

/**
 * The redirects of one request, followed by bgfetch rather than HttpClient so that it decides
 * what each hop carries (see {@link HttpTransport#open}). As curl: 301, 302, 303, 307 and 308
 * with a Location are followed; 303 turns any method but HEAD into GET, and 301 and 302 turn
 * POST into GET, without the body; 307 and 308 keep both. What can never succeed fails at
 * once: more than {@link #MAX} redirects, a loop, a scheme other than http and https.
 */
final class Redirects {
    static final int MAX = 20;

    private final URI first;
    /** method + URL of every request made, to see a loop before the count runs out. */
    private final Set<String> visited = new HashSet<>();
    private int followed;

    Redirects(String method, URI first) {
        this.first = first;
        visited.add(method + " " + withoutFragment(first));
    }

    /**
     * Where to go next after {@code response} to a request for {@code current}, or null when
     * the response is the answer (not a redirect, or a redirect without a Location).
     *
     * @param nextMethod the method the next request will use ({@link #methodAfter})
     */
    URI next(URI current, ClassicHttpResponse response, String nextMethod) throws TransferFailure.Permanent {
        int code = response.getCode();
        Header location = response.getFirstHeader("Location");
        if (!isRedirect(code) || location == null) {
            return null;
        }
        URI target = resolve(current, location.getValue());
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw fail("the server redirected to a " + scheme + ": URL, which is not followed (only http and https are)");
        }
        if (++followed > MAX) {
            throw fail("more than " + MAX + " redirects (the last one to " + display(target) + ")");
        }
        if (!visited.add(nextMethod + " " + target)) {
            throw fail("a redirect loop: " + display(current) + " redirects back to " + display(target)
                    + ", which was already asked");
        }
        return target;
    }

    static boolean isRedirect(int code) {
        return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    }

    /** The method of the request that follows a redirect with {@code code}. */
    static String methodAfter(int code, String method) {
        if (code == 303 && !"HEAD".equals(method)) {
            return "GET";
        }
        if ((code == 301 || code == 302) && "POST".equals(method)) {
            return "GET";
        }
        return method;
    }

    /** Whether {@code uri} has the first request's origin: its credentials may go there. */
    boolean sameOriginAsFirst(URI uri) {
        return origin(uri).equals(origin(first));
    }

    /** scheme://host:port with the default port filled in, lower case. */
    static String origin(URI uri) {
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT) + ":" + port;
    }

    /**
     * The absolute target of a Location header. Real servers send spaces and raw UTF-8 in
     * Location; those are percent-encoded (as curl does) rather than refused. User info in the
     * target is dropped: credentials never come from a server.
     */
    private static URI resolve(URI current, String location) throws TransferFailure.Permanent {
        URI reference;
        try {
            reference = new URI(encodeUnsafe(location.trim()));
        } catch (URISyntaxException e) {
            throw fail("the server redirected to an invalid URL (" + e.getReason() + ")");
        }
        URI target = withoutFragment(URIUtils.resolve(current, reference));
        if (target.getRawUserInfo() != null) {
            String authority = target.getRawAuthority();
            target = URI.create(target.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1)
                    + (target.getRawPath() == null ? "" : target.getRawPath())
                    + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()));
        }
        if (target.getScheme() != null && target.getHost() == null
                && ("http".equalsIgnoreCase(target.getScheme()) || "https".equalsIgnoreCase(target.getScheme()))) {
            throw fail("the server redirected to a URL without a host");
        }
        return target;
    }

    private static String encodeUnsafe(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\' && c != '^' && c != '`'
                    && c != '{' && c != '|' && c != '}') {
                if (sb != null) {
                    sb.append(c);
                }
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            int cp = s.codePointAt(i);
            for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
            i += Character.charCount(cp) - 1;
        }
        return sb == null ? s : sb.toString();
    }

    private static URI withoutFragment(URI uri) {
        if (uri.getRawFragment() == null) {
            return uri;
        }
        String s = uri.toString();
        return URI.create(s.substring(0, s.indexOf('#')));
    }

    /** A URL for a message: no user info, no query (presigned URLs carry tokens there). */
    static String display(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme() + "://";
        String host = uri.getHost() == null ? "" : uri.getHost();
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return scheme + host + port + path;
    }

    private static TransferFailure.Permanent fail(String message) {
        return new TransferFailure.Permanent(FailureKind.FETCH_ERROR, message, 0, null);
    }
}
