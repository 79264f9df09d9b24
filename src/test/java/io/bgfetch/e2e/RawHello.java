package io.bgfetch.e2e;

import io.bgfetch.protocol.WireCodec;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A client without bgfetch's own checks, run in a process of its own (as another uid, through
 * setpriv): it connects to a daemon's socket, greets it, and prints what came back: the
 * daemon's greeting, or {@code closed} when the daemon hung up without one. Exit 0 either way,
 * 1 when it could not connect.
 */
public final class RawHello {
    private RawHello() {
    }

    public static void main(String[] args) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
            } catch (IOException e) {
                System.out.println("cannot connect: " + e.getMessage());
                System.exit(1);
            }
            ByteBuffer in = ByteBuffer.allocate(4096);
            int n;
            try {
                String hello = "{\"hello\":\"bgfetch\",\"protocol\":" + WireCodec.PROTOCOL
                        + ",\"version\":\"raw\",\"pid\":1}\n";
                ch.write(ByteBuffer.wrap(hello.getBytes(StandardCharsets.UTF_8)));
                n = ch.read(in);
            } catch (IOException hungUpAlready) {
                n = -1;
            }
            System.out.println(n <= 0 ? "closed" : new String(in.array(), 0, n, StandardCharsets.UTF_8).strip());
        }
    }

    /** The command line that runs this class as {@code uid}. */
    static List<String> commandAs(int uid, Path socket) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path classes = Path.of(RawHello.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid,
                "--clear-groups", java, "-cp", classes.toString(), RawHello.class.getName(), socket.toString()));
        return command;
    }
}
