package io.bgfetch.transfer;

import static io.bgfetch.transfer.Downloads.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.transfer.Recorder;
import io.bgfetch.transfer.TinyServer.Seen;
import io.bgfetch.transfer.TinyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection that finished its segment takes over part of a slower one's (work stealing),
 * against a loopback server that holds one range back until the takeover's request comes: without
 * the takeover, the held range would time the test out instead of completing.
 */
@Timeout(20)
class RecordDownloadSplitTest {
    private static final String ETAG = TinyServer.ETAG;
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    private TinyServer server;
    private HttpTransport http;
    private Path bodyFile;
    private final TransferSettings settings = Downloads.SETTINGS;

    @BeforeEach
    void start() throws IOException {
        server = new TinyServer();
        http = new HttpTransport(settings, "test");
        bodyFile = tmp.resolve("store").resolve("1").resolve("0.body");
    }

    @AfterEach
    void stop() throws IOException {
        http.close();
        server.close();
    }

    private DownloadRequest request(int connections) {
        return new DownloadRequest(server.url("/file.bin"), "GET", List.of(), null, null, connections,
                Duration.ofSeconds(10), bodyFile, 0, null, null);
    }

    private Outcome run(DownloadRequest req, ResponseHead storedHead, List<Segment> storedPlan, Recorder l) {
        return Downloads.run(http, req, storedHead, storedPlan, l, new Cancellation());
    }

    @Test
    void aConnectionThatFinishedTakesOverHalfOfASlowOnesRange() throws Exception {
        byte[] content = randomBytes(4 * MIB, 21);
        server.content = content;
        server.holdFrom = 2 * MIB; // the second segment's connection is the slow one
        Recorder l = new Recorder();

        Outcome outcome = run(request(2), null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(List.of(2), l.planSizes);
        assertFalse(l.splits.isEmpty(), "the first connection, done, takes part of the held range");
        List<Integer> first = l.splits.get(0);
        assertEquals(1, first.get(0), "the held segment is the one split");
        assertEquals(2, first.get(1), "the new segment is numbered after the plan's");
        int at = first.get(2);
        assertTrue(at > 2 * MIB + TinyServer.HELD_BYTES && at < 4 * MIB, "split within what was left: " + at);
        assertEquals(4 * MIB, first.get(3), "the new segment ends where the held one did");
        Seen takeover = server.log.stream().filter(s -> ("bytes=" + at + "-" + (4 * MIB - 1)).equals(s.range()))
                .findFirst().orElseThrow(() -> new AssertionError("no request for the range taken over: " + server.log));
        assertEquals(ETAG, takeover.ifRange(), "the takeover proves the version like any resume");
        assertEquals(List.of(), l.unknownProgress, "a split is recorded before any progress of its segment");
        assertTrue(RecordDownload.awaitLateSyncs(Duration.ofSeconds(10)));
    }

    @Test
    void aResumedBodyWithOneSegmentLeftUsesAllItsConnectionsAgain() throws Exception {
        byte[] content = randomBytes(4 * MIB, 22);
        server.content = content;
        int have = MIB / 2;
        Files.createDirectories(bodyFile.getParent());
        Files.write(bodyFile, java.util.Arrays.copyOf(content, have));
        Recorder l = new Recorder();
        l.known.add(0);
        ResponseHead head = new ResponseHead(200, "OK", Map.of("accept-ranges", "bytes"), content.length, ETAG,
                null, true);

        Outcome outcome = run(request(2), head, List.of(new Segment(0, 0, content.length, have)), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertFalse(l.splits.isEmpty(), "the second connection splits the one segment left");
        assertEquals(List.of(0, 1), l.splits.get(0).subList(0, 2));
        assertEquals(1 + l.splits.size(), server.log.size(), "one request a segment: " + server.log);
        for (Seen s : server.log) {
            assertEquals(ETAG, s.ifRange());
            long from = Long.parseLong(s.range().substring(6, s.range().indexOf('-')));
            assertTrue(from >= have, "the bytes held are not fetched again: " + s.range());
        }
        assertEquals(content.length - have, l.arrived.get(), "no byte travels twice");
        assertEquals(List.of(), l.unknownProgress);
        assertTrue(RecordDownload.awaitLateSyncs(Duration.ofSeconds(10)));
    }

    @Test
    void oneConnectionNeverSplits() throws Exception {
        byte[] content = randomBytes(4 * MIB, 23);
        server.content = content;
        Recorder l = new Recorder();

        Outcome outcome = run(request(1), null, List.of(), l);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(bodyFile));
        assertEquals(List.of(), l.splits);
        assertEquals(1, server.log.size());
        assertTrue(RecordDownload.awaitLateSyncs(Duration.ofSeconds(10)));
    }
}
