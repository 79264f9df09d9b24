package io.bgfetch.daemon;

import io.bgfetch.home.Ownership;
import io.bgfetch.home.PrivateFiles;
import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.Reply;
import io.bgfetch.protocol.Request;
import io.bgfetch.protocol.WireCodec;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The daemon's Unix socket: a version handshake first, then one request per connection. Only
 * the daemon's own user may talk to it: the peer's credentials (SO_PEERCRED) are checked on
 * every connection, by uid, on top of the socket's 0600 mode and its 0700 directory.
 *
 * <p>It is bounded against clients that misbehave (see {@link ClientChannel}): at most
 * {@link #MAX_CLIENTS} connections are served at once, each by a pooled thread, and one
 * beyond that is closed at once; a client must have sent its request within
 * {@link #REQUEST_DEADLINE}; garbage, or a line over {@link WireCodec#MAX_REQUEST_BYTES}, fails
 * that connection and nothing else.
 */
final class SocketServer implements AutoCloseable {
    /** Each {@code fetch --wait}, {@code wait} or {@code match} while it streams holds one. */
    static final int MAX_CLIENTS = 64;
    static final Duration REQUEST_DEADLINE = Duration.ofSeconds(5);
    /** A client that takes no reply for this long (stopped with Ctrl-Z, say) is dropped. */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);
    /** Request bytes all connections together may hold while reading: four of the largest. */
    static final long READ_BUDGET = 4L * WireCodec.MAX_REQUEST_BYTES;
    private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ServerSocketChannel server;
    private final Path path;
    private final RequestHandler handler;
    private final String version;
    /** This daemon's user, as the file system names it: compared by uid, never by user name. */
    private final UserPrincipal owner;
    private final ThreadPoolExecutor pool;
    private final AtomicInteger connections = new AtomicInteger();
    private final ClientChannel.Budget readBudget = new ClientChannel.Budget(READ_BUDGET);
    private final Object refusals = new Object();
    private long lastRefusalLog = System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS;
    private int refusedSinceLog;
    private volatile boolean closed;

    private SocketServer(ServerSocketChannel server, Path path, RequestHandler handler, String version,
                         UserPrincipal owner) {
        this.server = server;
        this.path = path;
        this.handler = handler;
        this.version = version;
        this.owner = owner;
        AtomicInteger seq = new AtomicInteger();
        // No core threads and a hand-off queue: an idle thread is reused before a new one is made,
        // so a burst of short commands runs on a few threads, not MAX_CLIENTS. The accept loop
        // already keeps connections to MAX_CLIENTS; the headroom covers a thread that has
        // finished its connection but not yet gone back to the pool.
        this.pool = new ThreadPoolExecutor(0, MAX_CLIENTS + 8, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "bgfetch-conn-" + seq.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Binds the socket; the caller holds the daemon lock, so a file already there is stale. */
    static SocketServer bind(Path path, RequestHandler handler, String version) throws IOException {
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path), MAX_CLIENTS);
        PrivateFiles.restrict(path);
        // The socket was just made by this process, so its owner is this process's uid; the
        // principals of the file system compare by uid (a uid without a passwd entry included).
        Ownership.requireOwner(path, "the socket");
        UserPrincipal owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
        return new SocketServer(server, path, handler, version, owner);
    }

    void serveInBackground() {
        Thread t = new Thread(this::acceptLoop, "bgfetch-accept");
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    Log.error("accept failed", e);
                    pause(); // out of file descriptors, say: do not spin
                }
                continue;
            }
            if (connections.incrementAndGet() > MAX_CLIENTS) {
                connections.decrementAndGet();
                closeQuietly(client);
                logRefusal();
                continue;
            }
            try {
                pool.execute(() -> {
                    try {
                        serve(client);
                    } finally {
                        connections.decrementAndGet();
                    }
                });
            } catch (RejectedExecutionException shuttingDown) {
                connections.decrementAndGet();
                closeQuietly(client);
            }
        }
    }

    private void serve(SocketChannel client) {
        ClientChannel channel = null;
        try {
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!owner.equals(peer.user())) {
                Log.info("refused a connection from uid " + PeerUids.uidOf(peer.user()) + " (" + peer.user().getName()
                        + "): only uid " + PeerUids.uidOf(owner) + " may use this daemon");
                return;
            }
            channel = ClientChannel.open(client, WireCodec.MAX_REQUEST_BYTES, readBudget, REQUEST_DEADLINE,
                    WRITE_TIMEOUT);
            WireCodec codec = new WireCodec(channel.input(), channel.output());
            Request<?> request = readRequest(codec, channel);
            if (request != null) {
                ClientChannel c = channel;
                handler.handle(request, new RequestHandler.ReplySink() {
                    @Override
                    public void send(Reply reply) throws IOException {
                        codec.writeReply(reply);
                    }

                    @Override
                    public boolean clientGone() {
                        return c.hungUp();
                    }
                });
            }
        } catch (IOException e) {
            // the client went away (closed terminal, Ctrl-C on a watch) or stopped reading
        } catch (RuntimeException e) {
            Log.error("internal error serving a request", e);
        } finally {
            if (channel != null) {
                channel.close();
            } else {
                closeQuietly(client);
            }
        }
    }

    /**
     * The handshake and the one request, or null when there is nothing to do: the client left,
     * spoke another protocol, said nothing in time, or sent something that is not a request (it
     * is told why when it spoke our protocol). Whatever a client sends fails only its connection.
     */
    private Request<?> readRequest(WireCodec codec, ClientChannel channel) throws IOException {
        WireCodec.Hello hello;
        try {
            hello = codec.readHello();
        } catch (EOFException e) {
            return null;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            Log.info("dropped a client: " + describe(e));
            return null;
        }
        if (hello == null) {
            Log.info("dropped a client: its greeting is not bgfetch's");
            return null;
        }
        codec.writeHello(version, ProcessHandle.current().pid());
        if (!hello.compatible()) {
            return null;
        }
        Request<?> request;
        try {
            request = codec.readRequest();
        } catch (EOFException e) {
            return null;
        } catch (SocketTimeoutException e) {
            Log.info("dropped a client: " + describe(e));
            return null;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            Log.info("refused a request: " + describe(e));
            codec.writeReply(Reply.failure(ExitCode.USAGE, "bad request: " + detail(e)));
            return null;
        }
        if (request == null) {
            codec.writeReply(Reply.failure(ExitCode.USAGE, "bad request: empty"));
            return null;
        }
        channel.requestRead();
        return request;
    }

    /**
     * One short line for the log about what a client did wrong: never a parser's message, which
     * quotes what the client sent (and that may hold a credential).
     */
    private static String describe(Throwable e) {
        if (e instanceof SocketTimeoutException) {
            return "it " + e.getMessage() + " (" + REQUEST_DEADLINE.toSeconds() + " s)";
        }
        if (e instanceof ClientChannel.TooLongException) {
            return e.getMessage();
        }
        if (e instanceof StackOverflowError) {
            return "its message is nested too deeply";
        }
        return "its message is not bgfetch's protocol (" + e.getClass().getSimpleName() + ")";
    }

    /** What the client itself is told: the parser's words too, on one short line. */
    private static String detail(Throwable e) {
        if (e instanceof ClientChannel.TooLongException || e instanceof StackOverflowError || e.getMessage() == null) {
            return describe(e);
        }
        String m = e.getMessage().replaceAll("\\p{Cntrl}+", " ").strip();
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    private void logRefusal() {
        synchronized (refusals) {
            refusedSinceLog++;
            long now = System.nanoTime();
            if (now - lastRefusalLog >= REFUSAL_LOG_INTERVAL_NANOS) {
                Log.info("refused " + refusedSinceLog + " connection(s): " + MAX_CLIENTS
                        + " clients are connected already");
                refusedSinceLog = 0;
                lastRefusalLog = now;
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        pool.shutdown(); // no interrupts: a request being answered finishes, its reply goes nowhere
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the next daemon removes a stale socket
        }
    }
}
