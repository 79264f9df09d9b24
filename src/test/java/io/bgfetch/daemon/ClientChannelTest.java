package io.bgfetch.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientChannelTest {
    @TempDir
    Path tmp;

    ServerSocketChannel server;
    SocketChannel client;
    SocketChannel accepted;

    @BeforeEach
    void listen() throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(tmp.resolve("s.sock")));
        connect();
    }

    void connect() throws IOException {
        client = SocketChannel.open(StandardProtocolFamily.UNIX);
        client.connect(server.getLocalAddress());
        accepted = server.accept();
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        accepted.close();
        server.close();
    }

    ClientChannel channel(long maxLine, ClientChannel.Budget budget, Duration readWithin, Duration writeTimeout)
            throws IOException {
        return ClientChannel.open(accepted, maxLine, budget, readWithin, writeTimeout);
    }

    void send(String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            client.write(b);
        }
    }

    @Test
    void readsWhatArrivesInTime() throws IOException {
        try (ClientChannel c = channel(100, new ClientChannel.Budget(1000), Duration.ofSeconds(5), Duration.ofSeconds(5))) {
            send("hello\n");
            byte[] b = new byte[6];
            assertEquals(6, c.input().readNBytes(b, 0, 6));
            assertArrayEquals("hello\n".getBytes(StandardCharsets.UTF_8), b);
        }
    }

    @Test
    void aClientThatSaysNothingTimesOutAtTheDeadline() throws IOException {
        try (ClientChannel c = channel(100, new ClientChannel.Budget(1000), Duration.ofMillis(300), Duration.ofSeconds(5))) {
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> c.input().read(new byte[10]));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 250 && millis < 3000, "timed out after " + millis + " ms");
        }
    }

    @Test
    void theDeadlineCoversTheWholeRequestNotEachRead() throws IOException {
        try (ClientChannel c = channel(100, new ClientChannel.Budget(1000), Duration.ofMillis(400), Duration.ofSeconds(5))) {
            InputStream in = c.input();
            send("a");
            assertEquals('a', in.read());
            Poll.sleep(450); // a slow drip must not earn more time
            send("b");
            assertEquals('b', in.read(), "what has arrived is still delivered");
            assertThrows(SocketTimeoutException.class, in::read);
        }
    }

    @Test
    void aLineOverTheLimitFails() throws IOException {
        try (ClientChannel c = channel(10, new ClientChannel.Budget(1000), Duration.ofSeconds(5), Duration.ofSeconds(5))) {
            send("0123456789\n0123456789\n");
            InputStream in = c.input();
            assertEquals(22, in.readNBytes(22).length, "lines of exactly the limit pass");
            send("0123456789x");
            IOException e = assertThrows(ClientChannel.TooLongException.class, () -> in.readNBytes(11));
            assertTrue(e.getMessage().startsWith("the request is larger than"), e.getMessage());
        }
    }

    @Test
    void connectionsShareOneBudgetWhileReadingAndReturnItAfterwards() throws IOException {
        ClientChannel.Budget budget = new ClientChannel.Budget(10);
        try (ClientChannel c = channel(1000, budget, Duration.ofSeconds(5), Duration.ofSeconds(5))) {
            send("12345678");
            assertEquals(8, c.input().readNBytes(8).length);
            assertFalse(budget.take(3), "8 of 10 are held by the reading connection");
            c.requestRead();
            assertTrue(budget.take(10), "all of it is back once the request is in");
            budget.give(10);
        }
        client.close();
        connect();
        try (ClientChannel c = channel(1000, budget, Duration.ofSeconds(5), Duration.ofSeconds(5))) {
            budget.take(5);
            send("123456");
            assertThrows(ClientChannel.TooLongException.class, () -> c.input().readNBytes(6));
        }
        assertTrue(budget.take(5), "a closed connection gives back what it held");
    }

    @Test
    void hungUpTellsAClosedClientFromAQuietOne() throws IOException {
        try (ClientChannel c = channel(100, new ClientChannel.Budget(1000), Duration.ofSeconds(5), Duration.ofSeconds(5))) {
            c.requestRead();
            assertFalse(c.hungUp(), "quiet, but there");
            send("stray bytes");
            assertFalse(c.hungUp(), "talking, so there");
            client.close();
            Poll.until(Duration.ofSeconds(5), c::hungUp, "the closed client to be noticed");
        }
    }

    @Test
    void aClientThatReadsNothingFailsTheWriteAfterTheTimeout() throws IOException {
        try (ClientChannel c = channel(100, new ClientChannel.Budget(1000), Duration.ofSeconds(5), Duration.ofMillis(300))) {
            OutputStream out = c.output();
            byte[] chunk = new byte[64 * 1024];
            long start = System.nanoTime();
            IOException e = assertThrows(SocketTimeoutException.class, () -> {
                for (int i = 0; i < 1000; i++) { // 64 MiB: far beyond any socket buffer
                    out.write(chunk);
                }
            });
            assertTrue(e.getMessage().contains("took no reply"), e.getMessage());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 5000);
        }
    }
}
