package io.bgfetch.transfer;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.hc.core5.http.HttpHost;

/**
 * A proxy as the environment or {@code --proxy} gives it: {@code [http://][user:password@]host[:port]}.
 * As curl: no scheme means http, no port means 1080, and user and password are
 * percent-decoded. Only plain-HTTP proxies are supported (HTTPS still goes through them with
 * CONNECT); a {@code socks5://} or {@code https://} proxy is refused rather than bypassed.
 *
 * @param host     the proxy, never with credentials
 * @param user     the user for the proxy's Basic authentication, or null
 * @param password its password ("" when the URL has a user only), or null
 */
record ProxyAddress(HttpHost host, String user, String password) {
    static final int DEFAULT_PORT = 1080;

    /**
     * @throws IllegalArgumentException with a message safe to show (never the credentials)
     */
    static ProxyAddress parse(String url) {
        String text = url.trim();
        String withScheme = text.contains("://") ? text : "http://" + text;
        URI uri;
        try {
            uri = new URI(withScheme);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the proxy URL is not valid");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("the proxy URL has no host name");
        }
        if (!scheme.equals("http")) {
            throw new IllegalArgumentException("the proxy " + scheme + "://" + host + " is not supported (only http:// proxies are)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        return new ProxyAddress(new HttpHost("http", host, port), user, password);
    }

    boolean hasCredentials() {
        return user != null && !user.isEmpty();
    }

    private static String decode(String s) {
        // URLDecoder would turn '+' into a space; in a URL's user info it is a plus
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Credentials stay out of logs. */
    @Override
    public String toString() {
        return "ProxyAddress[" + host.toURI() + (hasCredentials() ? " (credentials hidden)" : "") + "]";
    }
}
