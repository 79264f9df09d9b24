package io.bgfetch.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Waits until what was written to a socket has been acknowledged by the peer's kernel, so
 * that a following RST (which discards the unsent send queue) cannot eat bytes the server
 * already counted as sent. Uses the {@code tx_queue} column of Linux's
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6}; elsewhere it waits briefly instead.
 */
final class SendQueue {

    private static final Path[] TABLES = {Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")};

    private SendQueue() {
    }

    /**
     * Returns once the socket's send queue is empty, the connection is gone, {@code stop}
     * says so, or {@code maxMillis} passed.
     */
    static void awaitDrained(Socket s, long maxMillis, BooleanSupplier stop) {
        String local = String.format(Locale.ROOT, ":%04X", s.getLocalPort());
        String remote = String.format(Locale.ROOT, ":%04X", s.getPort());
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        boolean procAvailable = Files.isReadable(TABLES[0]);
        while (System.nanoTime() < deadline && !stop.getAsBoolean()) {
            if (!procAvailable) {
                sleep(200);
                return;
            }
            long queued = queued(local, remote);
            if (queued <= 0) {
                return; // drained (0) or the connection is gone (-1)
            }
            sleep(2);
        }
    }

    /** Bytes in the send queue of the connection local→remote, or -1 when there is none. */
    private static long queued(String local, String remote) {
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException e) {
                continue;
            }
            for (int i = 1; i < lines.size(); i++) {
                // sl local_address rem_address st tx_queue:rx_queue ...
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length < 5 || !f[1].endsWith(local) || !f[2].endsWith(remote)) {
                    continue;
                }
                if (f[3].equals("06")) {
                    continue; // TIME_WAIT of an earlier connection with the same ports
                }
                String tx = f[4].substring(0, f[4].indexOf(':'));
                return Long.parseLong(tx, 16);
            }
        }
        return -1;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
