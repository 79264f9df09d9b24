package io.bgfetch.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTPS server on 127.0.0.1 presenting a {@link SelfSignedCertificate}: serves fixed bodies
 * by path (404 elsewhere) and logs the requests' headers. For trust tests, not faults.
 */
public final class TlsServer implements AutoCloseable {
    private final HttpsServer https;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tls-server");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

    private TlsServer(HttpsServer https) {
        this.https = https;
    }

    public static TlsServer start(SelfSignedCertificate certificate) throws IOException {
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
        TlsServer server = new TlsServer(https);
        https.setExecutor(server.pool);
        https.createContext("/", server::handle);
        https.start();
        return server;
    }

    public int port() {
        return https.getAddress().getPort();
    }

    /** {@code https://HOST:port/path}. */
    public String url(String host, String path) {
        return "https://" + host + ":" + port() + path;
    }

    public TlsServer add(String path, byte[] body) {
        bodies.put(path, body.clone());
        return this;
    }

    /** Headers of every request that completed a handshake (lower-case names). */
    public List<Map<String, String>> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, String> headers = new ConcurrentHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(", ", v)));
            requests.add(headers);
            byte[] body = bodies.get(ex.getRequestURI().getPath());
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            ex.getResponseBody().write(body);
        } catch (IOException clientWentAway) {
            // aborted by the client
        }
    }

    @Override
    public void close() {
        https.stop(0);
        pool.shutdownNow();
    }
}
