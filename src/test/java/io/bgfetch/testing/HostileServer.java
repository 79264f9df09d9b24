package io.bgfetch.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A raw-socket server on 127.0.0.1 that answers every request with the same bytes: a fixed
 * response, or a start followed by one byte repeated without end (an endless header line, an
 * endless chunk-size line). It writes until the client hangs up (or 1 GiB, a safety cap) and
 * counts what it wrote, so a test can see how much a client accepted before giving up.
 */
public final class HostileServer implements AutoCloseable {
    private static final long CAP = 1L << 30;

    private final ServerSocket listener;
    private final byte[] start;
    private final int filler;                 // -1: none
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicInteger requests = new AtomicInteger();

    private HostileServer(ServerSocket listener, byte[] start, int filler) {
        this.listener = listener;
        this.start = start;
        this.filler = filler;
        Thread t = new Thread(this::acceptLoop, "hostile-" + listener.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** Sends {@code start} (ISO-8859-1), then {@code filler} for ever. */
    public static HostileServer endless(String start, char filler) throws IOException {
        return new HostileServer(bind(), start.getBytes(StandardCharsets.ISO_8859_1), filler);
    }

    /** Sends {@code response} (ISO-8859-1) and closes the connection. */
    public static HostileServer fixed(String response) throws IOException {
        return new HostileServer(bind(), response.getBytes(StandardCharsets.ISO_8859_1), -1);
    }

    private static ServerSocket bind() throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        return ss;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + listener.getLocalPort() + path;
    }

    /** Bytes written to clients so far, over all connections. */
    public long bytesSent() {
        return sent.get();
    }

    /** Requests received (each answered the same way). */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        TestServer.closeQuietly(listener);
        for (Socket s : sockets) {
            TestServer.closeQuietly(s);
        }
    }

    private void acceptLoop() {
        while (true) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException closed) {
                return;
            }
            sockets.add(s);
            Thread t = new Thread(() -> answer(s), "hostile-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void answer(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            if (!skipRequestHead(in)) {
                return;
            }
            requests.incrementAndGet();
            OutputStream out = s.getOutputStream();
            out.write(start);
            sent.addAndGet(start.length);
            if (filler >= 0) {
                byte[] block = new byte[16 << 10];
                Arrays.fill(block, (byte) filler);
                while (sent.get() < CAP) {
                    out.write(block);
                    sent.addAndGet(block.length);
                }
            }
            out.flush();
        } catch (IOException e) {
            // the client hung up: what it did not take is not counted as taken
        } finally {
            sockets.remove(s);
        }
    }

    /** Reads up to the blank line after a request head; false if the client left first. */
    private static boolean skipRequestHead(InputStream in) throws IOException {
        int state = 0; // how much of CR LF CR LF has been seen
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\r' && (state == 0 || state == 2)) {
                state++;
            } else if (b == '\n' && (state == 1 || state == 3)) {
                state++;
                if (state == 4) {
                    return true;
                }
            } else {
                state = b == '\r' ? 1 : 0;
            }
        }
        return false;
    }
}
