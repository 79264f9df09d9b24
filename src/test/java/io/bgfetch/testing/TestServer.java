package io.bgfetch.testing;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injecting HTTP/1.1 server for tests, on a raw {@link ServerSocket} bound to
 * 127.0.0.1. One thread per connection, keep-alive with Content-Length framing, GET, HEAD,
 * POST, PUT (any method is answered like GET; HEAD without a body), single byte ranges
 * with If-Range, conditional GET/HEAD (If-None-Match, If-Modified-Since: 304 while the content
 * is unchanged), and the misbehaviours of {@link Fault} and {@link Resource}.
 *
 * <p>Paths are matched on the request target with its query string, then without it.
 * {@link #requests(String)} and friends take a path without query (every request to that
 * path, whatever its query) or with one (that exact target).
 */
public final class TestServer implements AutoCloseable {

    private static final InetAddress LOOPBACK;

    static {
        try {
            LOOPBACK = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One logged request and the body bytes written in answer to it. */
    static final class Entry {
        final String pathOnly;
        final RequestLog log;
        final AtomicLong sent = new AtomicLong();
        final Instant at = Instant.now();
        volatile boolean finished;

        Entry(String pathOnly, RequestLog log) {
            this.pathOnly = pathOnly;
            this.log = log;
        }

        boolean matches(String path) {
            return log.target().equals(path) || (path.indexOf('?') < 0 && pathOnly.equals(path));
        }
    }

    private final Map<String, Resource> resources = new ConcurrentHashMap<>();
    private final List<Entry> entries = new ArrayList<>();
    private final Set<Socket> connections = new HashSet<>();
    private final AtomicInteger threadCounter = new AtomicInteger();
    private final int port;
    private ServerSocket listener;        // null while stopped
    private Thread acceptThread;
    private boolean closed;

    private TestServer(ServerSocket first) {
        this.port = first.getLocalPort();
        listen(first);
    }

    /** How many connections the server has accepted so far (keep-alive reuses one). */
    public int connectionsAccepted() {
        return threadCounter.get();
    }

    /** Binds 127.0.0.1 on an ephemeral port and starts serving. */
    public static TestServer start() throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(LOOPBACK, 0), 200);
        return new TestServer(ss);
    }

    public int port() {
        return port;
    }

    /** {@code "http://127.0.0.1:" + port + path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Serves {@code body} at {@code path} (replacing any resource there). */
    public Resource add(String path, byte[] body) {
        Resource r = new Resource(path, body);
        resources.put(path, r);
        return r;
    }

    /** Serves {@code size} deterministic pseudo-random bytes, seeded by the path. */
    public Resource add(String path, int size) {
        return add(path, Resource.generate(path, size));
    }

    /** The resource at that path, or null. */
    public Resource resource(String path) {
        return resources.get(path);
    }

    /** Closes the listener and every connection with an RST (like a crashed server: bytes
     *  still in a send queue are lost, though {@link #bytesSent} counted them); connects are
     *  refused until {@link #restart()}. Does not block on connection threads. */
    public void stop() {
        Thread t;
        List<Socket> toClose;
        synchronized (this) {
            if (listener != null) {
                closeQuietly(listener);
                listener = null;
            }
            toClose = new ArrayList<>(connections);
            connections.clear();
            t = acceptThread;
            acceptThread = null;
        }
        for (Socket s : toClose) {
            abort(s);
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Listens again on the same port (retrying for a few seconds if it is briefly busy). */
    public void restart() throws IOException {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("server closed");
            }
            if (listener != null) {
                return;
            }
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            ServerSocket ss = new ServerSocket();
            try {
                ss.setReuseAddress(true);
                ss.bind(new InetSocketAddress(LOOPBACK, port), 200);
                synchronized (this) {
                    listen(ss);
                }
                return;
            } catch (BindException e) {
                closeQuietly(ss);
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while rebinding", ie);
                }
            }
        }
    }

    /** Whether the server is listening now. */
    public synchronized boolean isRunning() {
        return listener != null;
    }

    /** Every request received for the path, in order of arrival. */
    public List<RequestLog> requests(String path) {
        List<RequestLog> out = new ArrayList<>();
        synchronized (entries) {
            for (Entry e : entries) {
                if (e.matches(path)) {
                    out.add(e.log);
                }
            }
        }
        return out;
    }

    /** When each request for the path was answered (its status decided), in order; parallel
     *  to {@link #requests(String)}. */
    public List<Instant> requestTimes(String path) {
        List<Instant> out = new ArrayList<>();
        synchronized (entries) {
            for (Entry e : entries) {
                if (e.matches(path)) {
                    out.add(e.at);
                }
            }
        }
        return out;
    }

    /** How many responses for the path are still being written (or stalled), i.e. whose
     *  connection the client has not yet closed or fully read. */
    public int inFlight(String path) {
        int n = 0;
        synchronized (entries) {
            for (Entry e : entries) {
                if (e.matches(path) && !e.finished) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Every request received, whatever the path. */
    public List<RequestLog> allRequests() {
        List<RequestLog> out = new ArrayList<>();
        synchronized (entries) {
            for (Entry e : entries) {
                out.add(e.log);
            }
        }
        return out;
    }

    /** Body bytes actually written to sockets for the path, over all its requests. */
    public long bytesSent(String path) {
        long sum = 0;
        synchronized (entries) {
            for (Entry e : entries) {
                if (e.matches(path)) {
                    sum += e.sent.get();
                }
            }
        }
        return sum;
    }

    public int requestCount(String path) {
        return requests(path).size();
    }

    /** Stops everything; connection threads end within a second. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        stop();
    }

    // ---- internals ------------------------------------------------------------------------

    private void listen(ServerSocket ss) {
        listener = ss;
        Thread t = new Thread(() -> acceptLoop(ss), "testserver-" + port + "-accept");
        t.setDaemon(true);
        acceptThread = t;
        t.start();
    }

    private void acceptLoop(ServerSocket ss) {
        while (true) {
            Socket s;
            try {
                s = ss.accept();
            } catch (IOException e) {
                return; // listener closed
            }
            synchronized (this) {
                if (listener != ss) {
                    abort(s);
                    return;
                }
                connections.add(s);
            }
            Thread t = new Thread(new Exchange(this, s),
                    "testserver-" + port + "-conn-" + threadCounter.incrementAndGet());
            t.setDaemon(true);
            t.start();
        }
    }

    Resource lookup(String target, String pathOnly) {
        Resource r = resources.get(target);
        return r != null ? r : resources.get(pathOnly);
    }

    /** Logs a request once its status is decided. */
    Entry record(String pathOnly, RequestLog log) {
        Entry e = new Entry(pathOnly, log);
        synchronized (entries) {
            entries.add(e);
        }
        return e;
    }

    void forget(Socket s) {
        synchronized (this) {
            connections.remove(s);
        }
    }

    /** Whether this connection was closed by {@link #stop()} (or otherwise). */
    boolean isGone(Socket s) {
        if (s.isClosed()) {
            return true;
        }
        synchronized (this) {
            return !connections.contains(s);
        }
    }

    /** Closes with RST (linger 0), so the peer sees a reset rather than an orderly end. */
    static void abort(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        closeQuietly(s);
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }
}
