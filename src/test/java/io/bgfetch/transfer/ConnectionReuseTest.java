package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bgfetch.protocol.NetworkOptions;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records of one host share connections: a body read to its end gives its connection back. */
class ConnectionReuseTest {
    @TempDir
    Path tmp;

    private TestServer server;
    private HttpTransport http;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
        http = new HttpTransport(Downloads.SETTINGS, "test");
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        server.close();
    }

    @Test
    void bodiesReadToTheirEndLeaveTheirConnectionForTheNextRecord() throws Exception {
        List<Resource> files = List.of(server.add("/a.bin", 100_000), server.add("/b.bin", 8 << 10),
                server.add("/c.bin", 1), server.add("/d.bin", 300_000));
        for (Resource r : files) {
            Path body = tmp.resolve(r.path().substring(1));
            Outcome o = Downloads.run(http, Downloads.get(server.url(r.path()), body, Duration.ofSeconds(10),
                    NetworkOptions.DIRECT, null), new Recorder());
            assertEquals(new Outcome.Done(r.size()), o);
            assertArrayEquals(r.body(), Files.readAllBytes(body));
        }
        assertEquals(1, server.connectionsAccepted(), "one keep-alive connection for four records of one host");
    }
}
