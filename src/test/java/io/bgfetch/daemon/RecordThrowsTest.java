package io.bgfetch.daemon;

import static io.bgfetch.daemon.InProcessDaemon.TIMEOUT;
import static io.bgfetch.daemon.InProcessDaemon.events;
import static io.bgfetch.daemon.InProcessDaemon.hooks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.protocol.RecordInfo;
import io.bgfetch.protocol.Registration;
import io.bgfetch.testing.BodyGate;
import io.bgfetch.testing.Fault;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record whose run throws (here: the database refuses to store its completion) stops its
 * sibling records, and the fetch's clean-up starts only once every one of them has returned:
 * no record is in flight, and none marks itself done, over a deleted body.
 */
class RecordThrowsTest {
    @TempDir
    Path tmp;

    private TestServer server;
    private InProcessDaemon daemon;

    @BeforeEach
    void setUp() throws Exception {
        server = TestServer.start();
        daemon = InProcessDaemon.start(tmp.resolve("home"));
    }

    @AfterEach
    void tearDown() throws Exception {
        daemon.close();
        server.close();
    }

    /** Makes every change of the record's row fail, as a broken database would. */
    private void breakRecord(long key, int idx) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + daemon.home.database());
             Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout=10000");
            st.execute("CREATE TRIGGER broken BEFORE UPDATE ON records WHEN OLD.fetch_key = " + key
                    + " AND OLD.idx = " + idx + " BEGIN SELECT RAISE(ABORT, 'injected database failure'); END");
        }
    }

    private void repair() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + daemon.home.database());
             Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout=10000");
            st.execute("DROP TRIGGER broken");
        }
    }

    @Test
    void aRecordThatThrowsStopsAndJoinsItsSiblingBeforeAnyBodyIsDeleted() throws Exception {
        Path events = tmp.resolve("events");
        BodyGate siblingHeld = new BodyGate();
        BodyGate failingHeld = new BodyGate();
        server.add("/sibling.bin", 256 * 1024).faults(Fault.holdAt(100_000, siblingHeld));
        server.add("/fails.bin", 4096).faults(Fault.holdAt(1000, failingHeld));
        daemon.endings.hold();
        Registration reg = daemon.register("f", hooks(events, 2), server.url("/sibling.bin"), server.url("/fails.bin"));
        assertTrue(siblingHeld.awaitReached(TIMEOUT), "the sibling is mid-body");
        assertTrue(failingHeld.awaitReached(TIMEOUT), "the other record's head is stored");
        long key = daemon.row(reg.id()).key();
        breakRecord(key, 1);

        failingHeld.release(); // its body completes; storing that throws
        assertTrue(daemon.endings.awaitHeld(1, TIMEOUT), "the run's ending, after all its records returned");

        // Before any clean-up: nothing in flight, nothing done, the bodies still there.
        for (RecordInfo r : daemon.records("f")) {
            assertEquals("pending", r.state(), r.url());
        }
        assertEquals(List.of("0.body", "1.body"), daemon.storedFiles("f"));
        Poll.until(TIMEOUT, () -> server.inFlight("/sibling.bin") == 0, "the sibling's connection to be closed");

        repair();
        daemon.endings.release();
        Registration done = daemon.awaitDone("f");

        assertEquals("failure", done.result());
        assertEquals("fetch-error", done.failureReason());
        assertTrue(done.message().contains("injected database failure"), done.message());
        for (RecordInfo r : daemon.records("f")) {
            assertEquals("failed", r.state(), r.url());
            assertEquals(null, r.path());
        }
        assertEquals(List.of(), daemon.storedFiles("f"));
        daemon.awaitHooks("f");
        assertEquals("f", events(events));
        siblingHeld.release();
        assertEquals(1, server.requestCount("/sibling.bin"), "the sibling did not start again");
    }
}
