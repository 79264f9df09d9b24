package io.bgfetch.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A forward HTTP proxy for tests on 127.0.0.1: absolute-form requests ({@code GET http://host/...})
 * are forwarded, {@code CONNECT host:port} opens a tunnel (for HTTPS). It counts both, logs the
 * request heads it saw, can demand Basic proxy credentials (407 otherwise), and can map a
 * made-up host name (say {@code only-via-proxy.test}) to a loopback port, so that host is
 * reachable only through the proxy. It connects to nothing but 127.0.0.1.
 *
 * <p>Forwarded plain requests are sent with {@code Connection: close} and the response is
 * relayed until the server closes, so one client connection carries one request.
 */
public final class ForwardProxy implements AutoCloseable {
    /** One request head as the proxy received it (names lower case). */
    public record Seen(String method, String target, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final ServerSocket listener;
    private final Map<String, Integer> hosts = new ConcurrentHashMap<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger forwarded = new AtomicInteger();
    private final AtomicInteger tunnels = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile String requiredAuthorization;

    private ForwardProxy(ServerSocket listener) {
        this.listener = listener;
        Thread t = new Thread(this::acceptLoop, "proxy-" + listener.getLocalPort() + "-accept");
        t.setDaemon(true);
        t.start();
    }

    public static ForwardProxy start() throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        return new ForwardProxy(ss);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code http://127.0.0.1:port}, or with {@code user:password@} when given. */
    public String url(String userInfo) {
        return "http://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + port();
    }

    /** Requests to {@code name} (any port) go to 127.0.0.1:{@code port}. */
    public ForwardProxy map(String name, int port) {
        hosts.put(name.toLowerCase(Locale.ROOT), port);
        return this;
    }

    /** Demand {@code Proxy-Authorization: Basic} with these credentials; null demands nothing. */
    public ForwardProxy requireCredentials(String user, String password) {
        requiredAuthorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Plain (absolute-form) requests forwarded. */
    public int forwarded() {
        return forwarded.get();
    }

    /** CONNECT tunnels opened. */
    public int tunnels() {
        return tunnels.get();
    }

    /** Requests answered 407 for lack of (right) credentials. */
    public int refused() {
        return refused.get();
    }

    /** Every request head received, in order (407-refused ones included). */
    public List<Seen> seen() {
        return new ArrayList<>(seen);
    }

    @Override
    public void close() {
        TestServer.closeQuietly(listener);
        for (Socket s : sockets) {
            TestServer.closeQuietly(s);
        }
    }

    // ---- internals ------------------------------------------------------------------------

    private void acceptLoop() {
        while (true) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            sockets.add(client);
            Thread t = new Thread(() -> serve(client), "proxy-" + port() + "-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            String requestLine = readLine(in);
            if (requestLine == null) {
                return;
            }
            String[] parts = requestLine.split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            List<String> rawHeaders = new ArrayList<>();
            for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
                    rawHeaders.add(line);
                }
            }
            seen.add(new Seen(parts[0], parts.length > 1 ? parts[1] : "", Collections.unmodifiableMap(headers)));
            String required = requiredAuthorization;
            if (required != null && !required.equals(headers.get("proxy-authorization"))) {
                refused.incrementAndGet();
                answer(out, "407 Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"test proxy\"\r\n");
                return;
            }
            if (parts[0].equals("CONNECT")) {
                tunnel(client, in, out, parts[1]);
            } else {
                forward(client, in, out, parts, rawHeaders);
            }
        } catch (IOException | RuntimeException e) {
            // the client or the server went away
        } finally {
            sockets.remove(client);
        }
    }

    private void tunnel(Socket client, InputStream in, OutputStream out, String authority) throws IOException {
        int colon = authority.lastIndexOf(':');
        Socket server = connect(authority.substring(0, colon), Integer.parseInt(authority.substring(colon + 1)));
        if (server == null) {
            answer(out, "502 Bad Gateway", "");
            return;
        }
        tunnels.incrementAndGet();
        out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        relay(client, in, server);
    }

    private void forward(Socket client, InputStream in, OutputStream out, String[] parts, List<String> rawHeaders)
            throws IOException {
        URI uri = URI.create(parts[1]);
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            answer(out, "400 Bad Request", "");
            return;
        }
        Socket server = connect(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
        if (server == null) {
            answer(out, "502 Bad Gateway", "");
            return;
        }
        forwarded.incrementAndGet();
        StringBuilder head = new StringBuilder();
        head.append(parts[0]).append(' ').append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append(" HTTP/1.1\r\n");
        for (String h : rawHeaders) {
            String name = h.substring(0, h.indexOf(':')).trim().toLowerCase(Locale.ROOT);
            if (!name.equals("proxy-authorization") && !name.equals("proxy-connection") && !name.equals("connection")) {
                head.append(h).append("\r\n");
            }
        }
        head.append("Connection: close\r\n\r\n");
        server.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        server.getOutputStream().flush();
        relay(client, in, server);
    }

    /** Copies both ways until the server closes (the client's side ends with it). */
    private void relay(Socket client, InputStream clientIn, Socket server) throws IOException {
        sockets.add(server);
        try (server) {
            Thread up = new Thread(() -> {
                try {
                    clientIn.transferTo(server.getOutputStream());
                } catch (IOException ignored) {
                    // either side closed
                } finally {
                    TestServer.closeQuietly(server);
                }
            }, "proxy-" + port() + "-up");
            up.setDaemon(true);
            up.start();
            try {
                server.getInputStream().transferTo(client.getOutputStream());
            } catch (IOException ignored) {
                // either side closed
            }
        } finally {
            sockets.remove(server);
            TestServer.closeQuietly(client);
        }
    }

    /** A socket to the mapped port of {@code host}, or to 127.0.0.1 itself; null for anything else. */
    private Socket connect(String host, int port) throws IOException {
        String name = host.toLowerCase(Locale.ROOT);
        Integer mapped = hosts.get(name);
        int target;
        if (mapped != null) {
            target = mapped;
        } else if (name.equals("127.0.0.1") || name.equals("localhost")) {
            target = port;
        } else {
            return null;
        }
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5000);
        return s;
    }

    private static void answer(OutputStream out, String status, String extraHeaders) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\n" + extraHeaders + "Content-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** A CRLF-terminated line (at most 64 KiB), or null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
            if (line.size() > 64 << 10) {
                throw new IOException("request line too long");
            }
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
