package io.bgfetch.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An authenticated origin on 127.0.0.1, as release-asset and registry servers are: every
 * request without the right {@code Authorization} gets 401 (with a Basic challenge), every
 * request with it a redirect (302 unless told otherwise) to the configured location, typically
 * a second server standing in for a storage CDN. Logs each request's headers.
 */
public final class RedirectingOrigin implements AutoCloseable {
    private final HttpServer http;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "redirecting-origin");
        t.setDaemon(true);
        return t;
    });
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private volatile String requiredAuthorization;
    private volatile String location;
    private volatile int status = 302;

    private RedirectingOrigin(HttpServer http) {
        this.http = http;
    }

    public static RedirectingOrigin start() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        RedirectingOrigin origin = new RedirectingOrigin(http);
        http.setExecutor(origin.pool);
        http.createContext("/", origin::handle);
        http.start();
        return origin;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    /** Demand exactly this Authorization value; null demands nothing. */
    public RedirectingOrigin requireAuthorization(String value) {
        requiredAuthorization = value;
        return this;
    }

    /** Demand HTTP Basic with these credentials. */
    public RedirectingOrigin requireBasic(String user, String password) {
        return requireAuthorization("Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /** Where authorised requests are sent, with which redirect status. */
    public RedirectingOrigin redirectTo(String location, int status) {
        this.location = location;
        this.status = status;
        return this;
    }

    /** Headers of every request received (lower-case names), in order. */
    public List<Map<String, String>> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(", ", v)));
            requests.add(headers);
            String required = requiredAuthorization;
            if (required != null && !required.equals(headers.get("authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test origin\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            ex.getResponseHeaders().add("Location", location);
            ex.sendResponseHeaders(status, -1);
        } catch (IOException clientWentAway) {
            // nothing to answer
        }
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
    }
}
