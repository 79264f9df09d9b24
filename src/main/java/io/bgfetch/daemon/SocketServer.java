package io.bgfetch.daemon;

import io.bgfetch.home.Ownership;
import io.bgfetch.home.PrivateFiles;
import io.bgfetch.protocol.ExitCodes;
import io.bgfetch.protocol.Reply;
import io.bgfetch.protocol.Request;
import io.bgfetch.protocol.WireCodec;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The daemon's Unix socket: one thread per connection, a version handshake first, then one
 * request. Only the daemon's own user may talk to it: the peer's credentials (SO_PEERCRED)
 * are checked on every connection, on top of the socket's 0600 mode and its 0700 directory.
 */
final class SocketServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path path;
    private final RequestHandler handler;
    private final String version;
    /** This daemon's user, as the file system names it: compared by uid, never by user name. */
    private final UserPrincipal owner;
    private volatile boolean closed;

    private SocketServer(ServerSocketChannel server, Path path, RequestHandler handler, String version,
                         UserPrincipal owner) {
        this.server = server;
        this.path = path;
        this.handler = handler;
        this.version = version;
        this.owner = owner;
    }

    /** Binds the socket; the caller holds the daemon lock, so a file already there is stale. */
    static SocketServer bind(Path path, RequestHandler handler, String version) throws IOException {
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
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
            try {
                SocketChannel client = server.accept();
                Thread t = new Thread(() -> serve(client), "bgfetch-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    Log.error("accept failed", e);
                }
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!owner.equals(peer.user())) {
                Log.info("refused a connection from uid " + PeerUids.uidOf(peer.user()) + " (" + peer.user().getName()
                        + "): only uid " + PeerUids.uidOf(owner) + " may use this daemon");
                return;
            }
            WireCodec codec = new WireCodec(Channels.newInputStream(client), Channels.newOutputStream(client));
            WireCodec.Hello hello = codec.readHello();
            codec.writeHello(version, ProcessHandle.current().pid());
            if (!hello.compatible()) {
                return;
            }
            Request request;
            try {
                request = codec.readRequest();
            } catch (IOException e) {
                if (!(e instanceof EOFException)) {
                    codec.writeReply(Reply.failure(ExitCodes.USAGE, "bad request: " + e.getMessage()));
                }
                return;
            }
            handler.handle(request, codec::writeReply);
        } catch (IOException e) {
            // the client went away (closed terminal, Ctrl-C on a watch): nothing to answer
        } catch (RuntimeException e) {
            Log.error("internal error serving a request", e);
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
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the next daemon removes a stale socket
        }
    }
}
