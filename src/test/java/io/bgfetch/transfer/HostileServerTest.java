package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.HostileServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broken or hostile server fails its own record at once, in words, without the client
 * taking in more than a bounded head (the daemon's heap must not grow with what it is sent).
 */
@Timeout(30)
class HostileServerTest {
    /** Far more than a bounded client takes in (its head limit plus socket buffers), far less than an unbounded one would. */
    private static final long BOUNDED = 64L << 20;

    @TempDir
    Path tmp;

    private final HttpTransport http = new HttpTransport(Downloads.SETTINGS, "test");
    private HostileServer server;
    private final Recorder listener = new Recorder();

    @AfterEach
    void stop() throws Exception {
        http.close();
        if (server != null) {
            server.close();
        }
    }

    /** Downloads from the server with an hour to retry in: only a permanent failure ends it in time. */
    private Outcome.Failed failsAtOnce() {
        long t0 = System.nanoTime();
        Outcome outcome = Downloads.run(http, Downloads.get(server.url("/x"), tmp.resolve("body"), Duration.ofHours(1),
                null, null), listener);
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.FETCH_ERROR, failed.kind(), failed.message());
        assertEquals(0, listener.waits.get(), "not retried: " + failed.message());
        assertEquals(1, server.requests());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "failed within seconds");
        assertTrue(server.bytesSent() < BOUNDED, "the client stopped reading: " + server.bytesSent() + " bytes sent");
        return failed;
    }

    @Test
    void anEndlessHeaderLineFailsTheRecord() throws Exception {
        server = HostileServer.endless("HTTP/1.1 200 OK\r\nX-Endless: ", 'a');
        Outcome.Failed failed = failsAtOnce();
        assertTrue(failed.message().startsWith("the server sent a malformed response"), failed.message());
    }

    @Test
    void anEndlessStatusLineFailsTheRecord() throws Exception {
        server = HostileServer.endless("HTTP/1.1 200 ", 'x');
        Outcome.Failed failed = failsAtOnce();
        assertTrue(failed.message().startsWith("the server sent a malformed response"), failed.message());
    }

    @Test
    void endlessEmptyLinesBeforeTheStatusLineFailTheRecord() throws Exception {
        server = HostileServer.endless("", '\n');
        Outcome.Failed failed = failsAtOnce();
        assertTrue(failed.message().startsWith("the server sent a malformed response"), failed.message());
    }

    @Test
    void tenThousandHeadersFailTheRecord() throws Exception {
        StringBuilder response = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 10_000; i++) {
            response.append("X-Header-").append(i).append(": value\r\n");
        }
        server = HostileServer.fixed(response.append("Content-Length: 2\r\n\r\nok").toString());
        Outcome.Failed failed = failsAtOnce();
        assertTrue(failed.message().startsWith("the server sent a malformed response"), failed.message());
        assertTrue(failed.message().toLowerCase().contains("header count"), failed.message());
    }

    @Test
    void anEndlessChunkSizeLineFailsTheRecord() throws Exception {
        server = HostileServer.endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", '0');
        Outcome.Failed failed = failsAtOnce();
        assertTrue(failed.message().startsWith("the server sent a malformed response"), failed.message());
        assertEquals(5, listener.arrived.get(), "the first chunk arrived before the endless line");
    }

    @Test
    void anEndlessBodyWithoutALengthStopsAtTheQuota() throws Exception {
        server = HostileServer.endless("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", 'z');
        listener.quotaBytes = 5 << 20;

        Outcome outcome = Downloads.run(http, Downloads.get(server.url("/x"), tmp.resolve("body"), Duration.ofHours(1),
                null, null), listener);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.QUOTA, failed.kind());
        assertEquals(0, listener.waits.get());
        assertTrue(server.bytesSent() < BOUNDED, "the transfer stopped: " + server.bytesSent());
    }

    @Test
    void aFailureBeforeTheBodyIsReadDropsTheConnectionInsteadOfDrainingIt() throws Exception {
        // A body of a terabyte: whoever closes the response without aborting it reads it all.
        server = HostileServer.endless("HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\nETag: \"e\"\r\n"
                + "Accept-Ranges: bytes\r\n\r\n", 'z');
        Recorder failing = new Recorder() {
            @Override
            public void planned(java.util.List<Segment> plan) {
                throw new IllegalStateException("the database is gone"); // as a store failure surfaces
            }
        };
        long t0 = System.nanoTime();

        assertThrows(IllegalStateException.class, () -> Downloads.run(http,
                Downloads.get(server.url("/x"), tmp.resolve("body"), Duration.ofHours(1), null, null), failing));

        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "failed within seconds");
        assertTrue(server.bytesSent() < BOUNDED, "the response was dropped, not drained: " + server.bytesSent());
    }

    @Test
    void aMalformedHeaderFailsTheRecord() throws Exception {
        server = HostileServer.fixed("HTTP/1.1 200 OK\r\nNot a header line\r\nContent-Length: 0\r\n\r\n");
        Outcome.Failed failed = failsAtOnce();
        assertTrue(failed.message().startsWith("the server sent a malformed response"), failed.message());
    }

    @Test
    void aMalformedChunkSizeFailsTheRecord() throws Exception {
        server = HostileServer.fixed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
        Outcome.Failed failed = failsAtOnce();
        assertTrue(failed.message().startsWith("the server sent a malformed response"), failed.message());
    }

    @Test
    void aChunkedBodyCutShortStaysTransient() throws Exception {
        server = HostileServer.fixed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100\r\nhello");
        Outcome outcome = Downloads.run(http, Downloads.get(server.url("/x"), tmp.resolve("body"), Duration.ofMillis(300),
                null, null), listener);
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.FETCH_ERROR, failed.kind());
        assertTrue(listener.waits.get() >= 1, "retried: " + failed.message());
        assertTrue(server.requests() >= 2);
    }

    @Test
    void controlCharactersFromTheServerAreNeverStored() throws Exception {
        server = HostileServer.fixed("HTTP/1.1 404 Not\u001b]0;pwned\u0007 Found\u009b31m\r\n"
                + "X-Evil: a\u001b[2Jb\u007f\r\nContent-Length: 0\r\n\r\n");
        Outcome outcome = Downloads.run(http, Downloads.get(server.url("/x"), tmp.resolve("body"), Duration.ofHours(1),
                null, null), listener);
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.BAD_STATUS, failed.kind());
        assertEquals(404, failed.httpStatus());
        assertEquals("HTTP 404 Not Found", failed.message());
        ResponseHead head = listener.errorHeads.get(0);
        assertEquals("Not Found", head.statusText());
        assertEquals("ab?", head.headers().get("x-evil"));
        assertFalse(head.headers().values().stream().anyMatch(v -> v.chars().anyMatch(Character::isISOControl)));
    }
}
