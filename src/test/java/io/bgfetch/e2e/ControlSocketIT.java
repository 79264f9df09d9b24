package io.bgfetch.e2e;

import io.bgfetch.protocol.WireCodec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.protocol.WireCodec;
import io.bgfetch.testing.Bgfetch;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Result;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon's control socket against local clients that misbehave, spoken to by a raw Unix
 * socket client: silence, garbage, endless lines and too many connections each fail only their
 * own connection, and the daemon (same pid) goes on answering everyone else.
 */
class ControlSocketIT extends EndToEndTest {
    private static final String HELLO = "{\"hello\":\"bgfetch\",\"protocol\":" + WireCodec.PROTOCOL
            + ",\"version\":\"raw-test\",\"pid\":1}\n";
    private static final int MAX_CLIENTS = 64;

    long pid;
    Path socket;

    @BeforeEach
    void startDaemon() {
        Result start = bg.run("daemon", "start");
        assertEquals(0, start.exit(), start::describe);
        pid = bg.daemonPid();
        socket = bg.home().resolve("daemon.sock");
    }

    /** The same daemon still answers a real client. */
    void assertDaemonServes() {
        Result list = bg.run("list", "--all");
        assertEquals(0, list.exit(), list::describe);
        assertEquals(pid, bg.daemonPid(), "the same daemon");
        assertTrue(!Bgfetch.isGone(pid), "daemon " + pid + " alive");
    }

    String log() throws IOException {
        return Files.readString(bg.home().resolve("daemon.log"), StandardCharsets.UTF_8);
    }

    @Test
    void aClientThatSaysNothingIsDroppedWithinSeconds() throws Exception {
        try (Raw silent = Raw.connect(socket); Raw greeter = Raw.connect(socket)) {
            greeter.send(HELLO);
            assertTrue(greeter.readLine(Duration.ofSeconds(5)).contains("\"hello\":\"bgfetch\""), "greeted back");
            long silentMillis = silent.millisToEof(Duration.ofSeconds(20));
            long greeterMillis = greeter.millisToEof(Duration.ofSeconds(20));
            assertTrue(silentMillis >= 3000 && silentMillis <= 10_000, "dropped after " + silentMillis + " ms");
            assertTrue(greeterMillis <= 10_000, "a client that only greets is dropped too, after " + greeterMillis + " ms");
        }
        assertTrue(log().contains("dropped a client: it sent no complete request in time"), log());
        assertDaemonServes();
    }

    @Test
    void garbageFailsOnlyItsOwnConnection() throws Exception {
        byte[] binary = new byte[8192];
        new Random(42).nextBytes(binary);
        try (Raw c = Raw.connect(socket)) {
            c.send(binary);
            c.send("\n");
            assertTrue(c.millisToEof(Duration.ofSeconds(10)) < 3000, "binary: closed at once");
        }
        for (String greeting : List.of("not json at all\n", "null\n", "[1,2,3]\n", "{\"hello\":\n")) {
            try (Raw c = Raw.connect(socket)) {
                c.send(greeting);
                assertTrue(c.millisToEof(Duration.ofSeconds(10)) < 3000, "closed at once after " + greeting);
            }
        }
        for (String request : List.of("{not json\n", "{\"type\":\"NoSuchRequest\",\"request\":{}}\n",
                "[".repeat(200_000) + "\n", "{\"type\":\"Status\",\"request\":{\"ids\":{\"x\":[true]}}}\n")) {
            try (Raw c = Raw.connect(socket)) {
                c.send(HELLO);
                c.readLine(Duration.ofSeconds(5));
                c.send(request);
                String reply = c.readLine(Duration.ofSeconds(10));
                assertNotNull(reply, "a reply to " + request.substring(0, Math.min(40, request.length())));
                assertTrue(reply.contains("\"ok\":false") && reply.contains("\"exitCode\":2")
                        && reply.contains("bad request"), reply);
                assertTrue(c.millisToEof(Duration.ofSeconds(10)) < 3000, "then closed");
            }
        }
        assertDaemonServes();
    }

    @Test
    void anEndlessLineIsCutAtTheLimit() throws Exception {
        try (Raw c = Raw.connect(socket)) {
            c.send(HELLO);
            c.readLine(Duration.ofSeconds(5));
            AtomicLong sent = new AtomicLong();
            Thread flood = new Thread(() -> {
                byte[] chunk = "a".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                try {
                    while (sent.get() < 64L << 20) { // stop at 64 MiB whatever happens
                        c.sendBlocking(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException closedByTheDaemon) {
                    // expected: the daemon stopped reading and closed
                }
            });
            flood.setDaemon(true);
            flood.start();
            flood.join(30_000);
            assertTrue(!flood.isAlive(), "the daemon cut the endless line");
            assertTrue(sent.get() < 16L << 20, "cut near 4 MiB, not after " + sent.get() + " bytes");
            String reply = c.readLine(Duration.ofSeconds(5));
            if (reply != null) { // it may be lost when the daemon closes while we still write
                assertTrue(reply.contains("larger than 4 MiB") && reply.contains("\"exitCode\":2"), reply);
            }
        }
        assertTrue(log().contains("refused a request: the request is larger than 4 MiB"), log());
        assertDaemonServes();
    }

    @Test
    void tenThousandUrlsFitAndTooManyAreRefusedByTheClientBeforeSending() throws Exception {
        // 10,000 URLs of 100 characters, each with a sha256 and a file name: 2.1 MB on the wire.
        Path list = Files.writeString(tmp.resolve("urls.txt"), urlList(10_000));
        Result ok = bg.run("fetch", "-i", list.toString(), "--jobs", "1", "many");
        assertEquals(0, ok.exit(), ok::describe);
        assertEquals(10_000L, ((Number) bg.status("many").get("requests")).longValue());
        Result abort = bg.run("abort", "many");
        assertEquals(0, abort.exit(), abort::describe);

        Path tooMany = Files.writeString(tmp.resolve("too-many.txt"), urlList(30_000));
        Result refused = bg.run("fetch", "-i", tooMany.toString(), "too-many");
        assertEquals(2, refused.exit(), refused::describe);
        assertTrue(refused.stderr().startsWith("bgfetch: the request is too large for the daemon (")
                && refused.stderr().contains("at most 4 MiB"), refused::describe);
        Result st = bg.run("status", "too-many");
        assertEquals(3, st.exit(), "nothing was registered: " + st.describe());
        assertDaemonServes();
    }

    String urlList(int count) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String url = server.url("/many/" + i + "/");
            lines.append(url).append("x".repeat(Math.max(0, 100 - url.length())))
                    .append(" sha256=").append(String.format("%064x", i)).append(" out=file-").append(i).append('\n');
        }
        return lines.toString();
    }

    @Test
    void connectionsBeyondTheCapAreClosedAtOnce() throws Exception {
        List<Raw> held = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CLIENTS; i++) {
                held.add(Raw.connect(socket));
            }
            try (Raw extra = Raw.connect(socket)) {
                long millis = extra.millisToEof(Duration.ofSeconds(10));
                assertTrue(millis < 2500, "the connection over the cap closed at once, not at the 5 s deadline: "
                        + millis + " ms");
            }
        } finally {
            for (Raw r : held) {
                r.close();
            }
        }
        Poll.until(Duration.ofSeconds(10), () -> {
            try {
                return log().contains("connection(s): 64 clients are connected already");
            } catch (IOException e) {
                return false;
            }
        }, "a log line about the refused connection");
        assertDaemonServes();
    }

    @Test
    void followersThatLeaveGiveTheirPlacesBack() throws Exception {
        server.add("/slow.bin", 2_000_000).throttle(50_000);
        String url = server.url("/slow.bin");
        assertEquals(0, bg.run("fetch", "slow", url).exit());
        Poll.until(Duration.ofSeconds(20), () -> server.bytesSent("/slow.bin") > 0, "the transfer to start");
        Result pause = bg.run("pause", "slow");
        assertEquals(0, pause.exit(), pause::describe);

        // Followers of a paused record: the daemon writes to them only when it changes, i.e. never.
        List<Raw> followers = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CLIENTS; i++) {
                Raw f = Raw.connect(socket);
                followers.add(f);
                f.send(HELLO);
                f.readLine(Duration.ofSeconds(5));
                f.send("{\"type\":\"Follow\",\"request\":{\"id\":\"slow\",\"url\":\"" + url + "\",\"ignoreSearch\":false}}\n");
                String first = f.readLine(Duration.ofSeconds(10));
                assertTrue(first != null && first.contains("\"ok\":true") && first.contains("\"last\":false"),
                        "a first snapshot: " + first);
            }
            try (Raw extra = Raw.connect(socket)) {
                assertTrue(extra.millisToEof(Duration.ofSeconds(10)) < 2500, "64 followers fill the daemon");
            }
        } finally {
            for (Raw f : followers) {
                f.close();
            }
        }
        // Had the daemon not noticed them leave, every place would stay taken until the fetch ends.
        Poll.until(Duration.ofSeconds(10), () -> bg.run("list").exit() == 0, "the places of the gone followers back");
        assertDaemonServes();
    }

    /** A raw client of the daemon's socket, with bounded waits. */
    static final class Raw implements AutoCloseable {
        private final SocketChannel ch;
        private final Selector selector;
        private final ByteBuffer in = ByteBuffer.allocate(1 << 16);
        private final StringBuilder pending = new StringBuilder();

        private Raw(SocketChannel ch) throws IOException {
            this.ch = ch;
            ch.configureBlocking(false);
            this.selector = Selector.open();
            ch.register(selector, SelectionKey.OP_READ);
        }

        static Raw connect(Path socket) throws IOException {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new Raw(ch);
        }

        void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.UTF_8));
        }

        void send(byte[] bytes) throws IOException {
            sendBlocking(bytes);
        }

        /** Writes everything, waiting while the daemon does not read (gives up after 10 s). */
        synchronized void sendBlocking(byte[] bytes) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (b.hasRemaining()) {
                if (ch.write(b) == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("the daemon read nothing for 10 s");
                    }
                    Poll.sleep(5);
                }
            }
        }

        /** The next line, or null at end of stream or after {@code timeout}. */
        String readLine(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                int nl = pending.indexOf("\n");
                if (nl >= 0) {
                    String line = pending.substring(0, nl);
                    pending.delete(0, nl + 1);
                    return line;
                }
                if (fill(deadline) <= 0) {
                    return null;
                }
            }
        }

        /** Milliseconds until the daemon closes the connection; fails after {@code timeout}. */
        long millisToEof(Duration timeout) throws IOException {
            long start = System.nanoTime();
            long deadline = start + timeout.toNanos();
            while (true) {
                int n = fill(deadline);
                if (n < 0) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
                if (n == 0) {
                    throw new AssertionError("the daemon did not close the connection within " + timeout);
                }
            }
        }

        /** Bytes read, -1 at end of stream (or a reset), 0 on timeout. */
        private int fill(long deadline) throws IOException {
            while (true) {
                in.clear();
                int n;
                try {
                    n = ch.read(in);
                } catch (IOException reset) {
                    return -1;
                }
                if (n != 0) {
                    if (n > 0) {
                        pending.append(new String(in.array(), 0, n, StandardCharsets.UTF_8));
                    }
                    return n;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return 0;
                }
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
            }
        }

        @Override
        public void close() throws IOException {
            selector.close();
            ch.close();
        }
    }
}
