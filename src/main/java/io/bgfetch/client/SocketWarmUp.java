package io.bgfetch.client;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;

/**
 * Readies the JDK's Unix-socket machinery on a background thread while the command line is
 * read, so that the client's first connection does not wait for it. The first Unix
 * {@link SocketChannel} of a JVM costs a new client some 20 ms: finding the selector provider
 * (a service lookup through every jar on the class path) and the {@code SecureRandom} that the
 * JDK's {@code UnixDomainSockets} sets up when it is first used. Measured in a client's start:
 * 65 to 88 ms of its uptime, against 12 ms to read its arguments and 21 ms to read a list of
 * 1000 URLs, work that this now overlaps. Opening a socket binds nothing and connects nowhere;
 * a failure here is left for the real connection to report.
 */
public final class SocketWarmUp {
    private SocketWarmUp() {
    }

    /** Starts the warm-up and returns at once; the JVM does not wait for it to exit. */
    public static void start() {
        Thread t = new Thread(SocketWarmUp::openOne, "bgfetch-socket-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private static void openOne() {
        try (SocketChannel unused = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // opened and closed: the classes behind it are initialised
        } catch (IOException | RuntimeException ignored) {
            // the connection that matters will fail, and say why
        }
    }
}
