package io.bgfetch.client;

import io.bgfetch.protocol.ExitCodes;
import io.bgfetch.protocol.Reply;
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
        this.codec = new WireCodec(Channels.newInputStream(channel), Channels.newOutputStream(channel));
    }

    /** Connects and exchanges greetings; throws IOException when nothing listens at {@code socket}. */
    static Connection open(Path socket, String clientVersion) throws IOException {
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
                throw new DaemonException(ExitCodes.DAEMON_UNAVAILABLE, "the running daemon (version "
                        + hello.version() + ", protocol " + hello.protocol() + ") does not speak protocol "
                        + WireCodec.PROTOCOL + "; stop it with 'bgfetch daemon stop'");
            }
        } catch (IOException e) {
            c.close();
            throw new DaemonException(ExitCodes.DAEMON_UNAVAILABLE,
                    "the daemon at " + socket + " refused the connection or closed it", e);
        }
        return c;
    }

    void send(Request<?> request) throws IOException {
        codec.writeRequest(request);
    }

    Reply receive() throws IOException {
        return codec.readReply();
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
