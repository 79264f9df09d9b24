package io.bgfetch.client;

import io.bgfetch.home.BgfetchHome;
import io.bgfetch.home.Ownership;
import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.Reply;
import io.bgfetch.protocol.ReplyType;
import io.bgfetch.protocol.Request;
import io.bgfetch.protocol.WireCodec;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** One handshaken connection to a daemon, carrying one request and its reply or replies. */
final class Connection implements AutoCloseable {
    private final SocketChannel channel;
    private final WireCodec codec;

    private Connection(SocketChannel channel) {
        this.channel = channel;
        // Refuses a line longer than the daemon reads before a byte of it is sent, so that the
        // user learns why instead of seeing the connection drop.
        this.codec = new WireCodec(Channels.newInputStream(channel), Channels.newOutputStream(channel),
                WireCodec.MAX_REQUEST_BYTES);
    }

    /**
     * Connects to the home's daemon and exchanges greetings; throws IOException when nothing
     * listens there. Nothing is sent, and no connection is even tried, to a socket that is not
     * ours or that sits in a shared directory anyone else could have planted it in.
     */
    static Connection open(BgfetchHome home, String clientVersion) throws IOException {
        Path socket = home.socket();
        requireSafe(home, socket);
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        Connection c = new Connection(channel);
        try {
            c.codec.writeHello(clientVersion, ProcessHandle.current().pid());
            WireCodec.Hello hello = c.codec.readHello();
            if (!hello.compatible()) {
                c.close();
                throw new DaemonException(ExitCode.DAEMON_UNAVAILABLE, "the running daemon (version "
                        + hello.version() + ", protocol " + hello.protocol() + ") does not speak protocol "
                        + WireCodec.PROTOCOL + "; stop it with 'bgfetch daemon stop'");
            }
        } catch (IOException e) {
            c.close();
            throw new DaemonException(ExitCode.DAEMON_UNAVAILABLE,
                    "the daemon at " + socket + " refused the connection or closed it", e);
        }
        return c;
    }

    /**
     * A socket outside the home lives in a shared place such as /tmp: its directory must be ours,
     * a real directory and closed to others, else someone else could be listening there. The
     * socket itself must be ours wherever it is. A missing one is only "no daemon".
     */
    private static void requireSafe(BgfetchHome home, Path socket) throws IOException {
        try {
            if (home.socketOutsideHome()) {
                Ownership.requirePrivateDirectory(socket.getParent(), "the socket directory");
            }
            Ownership.requireOwner(socket, "the socket");
        } catch (Ownership.UnsafePathException e) {
            throw new DaemonException(ExitCode.DAEMON_UNAVAILABLE, "will not connect to the daemon: "
                    + e.getMessage(), e);
        }
    }

    void send(Request<?> request) throws IOException {
        try {
            codec.writeRequest(request);
        } catch (WireCodec.LineTooLong e) {
            throw new DaemonException(ExitCode.USAGE, String.format("the request is too large for the daemon"
                    + " (%.1f MiB, at most %d MiB): split the URLs into several fetches",
                    e.bytes() / 1048576.0, WireCodec.MAX_REQUEST_BYTES >> 20));
        }
    }

    /** The next reply, its data read as the request's reply type. */
    Reply receive(ReplyType<?> type) throws IOException {
        return codec.readReply(type);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
