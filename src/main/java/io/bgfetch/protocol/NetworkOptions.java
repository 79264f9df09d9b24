package io.bgfetch.protocol;

/**
 * The network path and trust a fetch's transfers use, resolved once by the {@code fetch} command
 * from its options and environment and stored with the fetch, so that a daemon started later
 * (after a reboot, from cron) takes the same path whatever environment it has.
 *
 * @param httpProxy  proxy URL for http:// requests ({@code http://[user:pass@]host:port}), or null for none
 * @param httpsProxy proxy URL for https:// requests (tunnelled with CONNECT), or null for none
 * @param noProxy    curl's {@code no_proxy} list (hosts, domain suffixes, IP addresses; {@code *} = none), or null
 * @param caCertFile absolute path of a PEM file with CA certificates trusted besides the system's, or null
 * @param insecure   true to skip TLS certificate verification ({@code -k})
 */
public record NetworkOptions(String httpProxy, String httpsProxy, String noProxy, String caCertFile,
                             boolean insecure) {
    /** Direct connections, system trust. */
    public static final NetworkOptions DIRECT = new NetworkOptions(null, null, null, null, false);

    public NetworkOptions {
        httpProxy = blankToNull(httpProxy);
        httpsProxy = blankToNull(httpsProxy);
        noProxy = blankToNull(noProxy);
        caCertFile = blankToNull(caCertFile);
    }

    /** Proxy URLs may carry credentials: keep them out of logs. */
    @Override
    public String toString() {
        return "NetworkOptions[httpProxy=" + (httpProxy != null) + ", httpsProxy=" + (httpsProxy != null)
                + ", noProxy=" + noProxy + ", caCertFile=" + caCertFile + ", insecure=" + insecure + "]";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
