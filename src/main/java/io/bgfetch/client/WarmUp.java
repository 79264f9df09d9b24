package io.bgfetch.client;

import io.bgfetch.protocol.JsonRecords;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;

/**
 * Readies, on a second thread, what every talk with the daemon needs and the JDK sets up slowly
 * on first use, while the main thread reads the command line and builds its request. Opening the
 * first Unix-domain socket initialises the JDK's socket support (its selector provider, found
 * by a look through every jar on the class path, and a SecureRandom, which sets up the security
 * providers): about 15 ms of a client's 70 on its own. The JSON factory and this process's
 * handle (sent in the greeting) come next. Class initialisation is the JVM's to serialise: the
 * main thread that needs one of these before it is ready waits for it, and does no work twice.
 */
public final class WarmUp implements Runnable {
    private WarmUp() {
    }

    /** Starts the warm-up; it never delays the JVM's exit, and a failure in it is only a slower start. */
    public static void start() {
        Thread t = new Thread(new WarmUp(), "bgfetch-warm-up");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        try {
            SocketChannel.open(StandardProtocolFamily.UNIX).close();
            ProcessHandle.current();
            JsonRecords.toJson(Boolean.TRUE);
        } catch (IOException | RuntimeException e) {
            // the main thread meets the same problem, if it is one, and reports it
        }
    }
}
