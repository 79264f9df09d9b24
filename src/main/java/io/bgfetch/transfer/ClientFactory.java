package io.bgfetch.transfer;

import io.bgfetch.protocol.NetworkOptions;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * Builds the HttpClient for one set of {@link NetworkOptions}. Bodies are taken exactly as sent:
 * no transparent decompression (it would break lengths and ranges), no cookies, no automatic
 * retries ({@link RecordDownload} retries, resuming instead of restarting) and no redirect
 * handling ({@link Redirects} follows them, deciding where credentials may go).
 */
final class ClientFactory {
    /**
     * The longest line of a response head or chunk-size line. Without a bound an endless header
     * line grows the heap until the daemon dies; 16 KiB is twice what nginx and most proxies
     * let through, so a real server's long Set-Cookie or CSP header still fits.
     */
    static final int MAX_LINE_BYTES = 16 << 10;
    /** The most header fields in one response head (real servers send a few dozen). */
    static final int MAX_HEADERS = 100;

    private static final Http1Config HTTP1 = Http1Config.custom()
            .setMaxLineLength(MAX_LINE_BYTES)
            .setMaxHeaderCount(MAX_HEADERS)
            .build();

    private final TransferSettings settings;
    private final String userAgent;

    ClientFactory(TransferSettings settings, String userAgent) {
        this.settings = settings;
        this.userAgent = userAgent;
    }

    /**
     * @throws IllegalArgumentException with a message in words when the proxy URL or the CA file
     *                                  cannot be used
     */
    CloseableHttpClient build(NetworkOptions network) {
        ProxyAddress httpProxy = network.httpProxy() == null ? null : ProxyAddress.parse(network.httpProxy());
        ProxyAddress httpsProxy = network.httpsProxy() == null ? null : ProxyAddress.parse(network.httpsProxy());
        TlsSocketStrategy tls = TlsTrust.strategy(network);

        Timeout stall = Timeout.of(settings.stallTimeout());
        PoolingHttpClientConnectionManagerBuilder connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder().http1Config(HTTP1).build())
                .setMaxConnTotal(512)
                .setMaxConnPerRoute(128)
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(stall).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                        .setSocketTimeout(stall)
                        .build());
        connections.setTlsSocketStrategy(tls);
        HttpClientBuilder builder = HttpClients.custom()
                .setConnectionManager(connections.build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(stall)
                        .setConnectionRequestTimeout(Timeout.ofMinutes(10))
                        .build())
                .disableRedirectHandling()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAutomaticRetries()
                .setUserAgent(userAgent);
        if (httpProxy != null || httpsProxy != null) {
            builder.setRoutePlanner(new ProxyRoutePlanner(httpProxy, httpsProxy, NoProxy.parse(network.noProxy())));
            // Proxy credentials are scoped to the proxy's host and port: the origin never sees them.
            BasicCredentialsProvider credentials = new BasicCredentialsProvider();
            for (ProxyAddress proxy : new ProxyAddress[] {httpProxy, httpsProxy}) {
                if (proxy != null && proxy.hasCredentials()) {
                    credentials.setCredentials(new AuthScope(proxy.host()),
                            new UsernamePasswordCredentials(proxy.user(), proxy.password().toCharArray()));
                }
            }
            builder.setDefaultCredentialsProvider(credentials);
        }
        return builder.build();
    }
}
