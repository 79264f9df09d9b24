package io.bgfetch.cli.options;

import io.bgfetch.protocol.NetworkOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/**
 * Which proxies a fetch uses, decided once when it is registered, as curl decides it:
 * {@code --proxy} overrides the environment; else {@code http_proxy} for http URLs (lower case
 * only: {@code HTTP_PROXY} can be set by a CGI request header), {@code https_proxy} or
 * {@code HTTPS_PROXY} for https, {@code all_proxy} or {@code ALL_PROXY} for either; lower case
 * wins. {@code --noproxy} overrides {@code no_proxy}/{@code NO_PROXY}. An empty
 * {@code --proxy ''} means no proxy at all. A proxy URL without a scheme is {@code http://}.
 */
public final class ProxySettings {

    private ProxySettings() {
    }

    /**
     * @param proxyOption   {@code --proxy}, or null when not given
     * @param noProxyOption {@code --noproxy}, or null when not given
     * @throws IllegalArgumentException for a proxy URL that is not an http proxy
     */
    public static NetworkOptions resolve(String proxyOption, String noProxyOption, Map<String, String> env,
                                         String caCertFile, boolean insecure) {
        String http;
        String https;
        if (proxyOption != null) {
            http = proxyOption;
            https = proxyOption;
        } else {
            String all = first(env, "all_proxy", "ALL_PROXY");
            http = orElse(first(env, "http_proxy"), all);
            https = orElse(first(env, "https_proxy", "HTTPS_PROXY"), all);
        }
        String noProxy = noProxyOption != null ? noProxyOption : first(env, "no_proxy", "NO_PROXY");
        String from = proxyOption != null ? "--proxy" : null;
        return new NetworkOptions(normalise(http, from != null ? from : "http_proxy"),
                normalise(https, from != null ? from : "https_proxy"), noProxy, caCertFile, insecure);
    }

    /** The proxy URL with a scheme, or null for none; only http:// proxies are supported. */
    static String normalise(String proxy, String what) {
        if (proxy == null || proxy.isBlank()) {
            return null;
        }
        String url = proxy.strip();
        if (!url.contains("://")) {
            url = "http://" + url;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid proxy URL in " + what + " (" + redact(url) + ")");
        }
        if (!"http".equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("unsupported proxy scheme '" + uri.getScheme() + "' in " + what
                    + " (only http:// proxies are supported)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("invalid proxy URL in " + what + " (no host)");
        }
        return url;
    }

    /** A proxy URL for messages: its credentials replaced. */
    static String redact(String url) {
        return url.replaceFirst("//[^/@]*@", "//***@");
    }

    private static String first(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String orElse(String a, String b) {
        return a != null ? a : b;
    }
}
