package io.bgfetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The smallest HTTP server that lets {@link StartupTraining} run a real {@code fetch --wait}:
 * on 127.0.0.1, an ephemeral port, every request answered with the same small body and the
 * connection closed. It serves the training daemon only, for the few seconds of a training run.
 */
final class TrainingServer implements AutoCloseable {
    private static final byte[] BODY = "bgfetch training body\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocket socket;

    private TrainingServer(ServerSocket socket) {
        this.socket = socket;
    }

    static TrainingServer start() throws IOException {
        TrainingServer server = new TrainingServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread acceptor = new Thread(server::serve, "training-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/training.bin";
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket c = socket.accept()) {
                c.setSoTimeout(10_000);
                boolean head = readHead(c.getInputStream()).startsWith("HEAD ");
                OutputStream out = c.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                        + BODY.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                if (!head) {
                    out.write(BODY);
                }
                out.flush();
            } catch (IOException e) {
                // closed, or a client that went away: the next one, if any
            }
        }
    }

    /** The request's head (up to the blank line), as text; its body, if any, is not read. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while (head.length() < MAX_HEAD && (b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                break;
            }
        }
        return head.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
