package io.bgfetch.transfer;

import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Routes a fetch's requests by its stored proxy settings, never by the daemon's environment
 * or JVM properties: http:// through the http proxy, https:// through the https proxy
 * (HttpClient tunnels a secure target through a proxy with CONNECT), and hosts on the
 * {@code no_proxy} list direct. The route is decided per request, so each redirect hop is
 * routed for its own host.
 */
final class ProxyRoutePlanner extends DefaultRoutePlanner {
    private final ProxyAddress httpProxy;
    private final ProxyAddress httpsProxy;
    private final NoProxy noProxy;

    /** Either proxy may be null (that scheme goes direct). */
    ProxyRoutePlanner(ProxyAddress httpProxy, ProxyAddress httpsProxy, NoProxy noProxy) {
        super(DefaultSchemePortResolver.INSTANCE);
        this.httpProxy = httpProxy;
        this.httpsProxy = httpsProxy;
        this.noProxy = noProxy;
    }

    @Override
    protected HttpHost determineProxy(HttpHost target, HttpContext context) {
        boolean secure = "https".equalsIgnoreCase(target.getSchemeName());
        ProxyAddress proxy = secure ? httpsProxy : httpProxy;
        if (proxy == null) {
            return null;
        }
        int port = target.getPort() >= 0 ? target.getPort() : secure ? 443 : 80;
        return noProxy.bypasses(target.getHostName(), port) ? null : proxy.host();
    }
}
