package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.BodyGate;
import io.bgfetch.testing.Fault;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.RequestLog;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With {@code -c 2}, a connection that finished its half takes over what a stalled one has left
 * (the server holds the second half's response after 64 KiB), and the splits are stored: a
 * daemon killed afterwards resumes only the bytes still missing, not the stalled range as planned.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WorkStealingIT extends EndToEndTest {
    private static final int MIB = 1024 * 1024;
    private static final int HELD = 64 * 1024;

    @Test
    void aStalledRangeIsTakenOverAndTheSplitsSurviveASigkill() {
        // progress recorded every 64 KiB: a complete segment's last record may wait for the
        // record's end (and die with the daemon), so a block of it may travel again
        bg.env("BGFETCH_CHECKPOINT_BYTES", "64KiB")
                .env("BGFETCH_BACKOFF_BASE", "100ms").env("BGFETCH_BACKOFF_MAX", "1s");
        int size = 8 * MIB;
        BodyGate neverReached = new BodyGate(); // the plain request is read to 4 MiB of its 8, then closed
        BodyGate stalled = new BodyGate();
        Resource r = server.add("/ws.bin", size).faults(Fault.holdAt(size, neverReached), Fault.holdAt(HELD, stalled));
        String url = server.url("/ws.bin");

        Result f = bg.run("fetch", "ws", url, "-c", "2");
        assertEquals(0, f.exit(), f::describe);
        // Whatever the number of takeovers, the stalled segment keeps under 2 x 64 KiB it has not
        // received (a split leaves at least 64 KiB either side): all the rest arrives.
        long[] seen = new long[1];
        Poll.until(Duration.ofSeconds(60), () -> {
            seen[0] = num(bg.status("ws"), "downloaded");
            return seen[0] >= size - 2 * HELD;
        }, "everything but the stalled connection's last bytes downloaded");
        List<RequestLog> before = server.requests("/ws.bin");
        assertTrue(before.size() >= 3, "a takeover request: " + before);
        for (RequestLog takeover : before.subList(2, before.size())) {
            assertTrue(FaultToleranceIT.rangeStart(takeover) > 4 * MIB + HELD, "a takeover asks for the held range's rest: "
                    + takeover);
            FaultToleranceIT.assertValidatorOf(r, takeover);
        }
        long oldPid = bg.daemonPid();
        bg.killDaemon();
        int requestsBeforeKill = server.requestCount("/ws.bin");
        long sentBeforeKill = server.bytesSent("/ws.bin");

        Result st = bg.run("status", "ws", "--json"); // brings a new daemon, which resumes
        assertEquals(0, st.exit(), st::describe);
        bg.awaitNewDaemon(oldPid);
        Map<String, Object> s = bg.awaitDone("ws", Duration.ofSeconds(120));
        assertEquals("success", s.get("result"), s::toString);

        Result p = bg.run("match", "ws", url, "--path");
        assertEquals(0, p.exit(), p::describe);
        assertEquals(r.sha256(), Sha256.hex(Path.of(p.out().trim())), "stored body differs from the resource");
        List<RequestLog> after = server.requests("/ws.bin").subList(requestsBeforeKill, server.requestCount("/ws.bin"));
        assertTrue(!after.isEmpty(), "the stalled range is fetched after the restart");
        for (RequestLog resume : after) {
            assertTrue(FaultToleranceIT.rangeStart(resume) >= 4 * MIB - 64 * 1024,
                    "the first half is not fetched again (but for its last block): " + resume);
            FaultToleranceIT.assertValidatorOf(r, resume);
        }
        long again = server.bytesSent("/ws.bin") - sentBeforeKill;
        assertTrue(again <= MIB, "only the stalled segment's few KiB travel again (the ranges taken over are stored"
                + " as done), not " + again + " bytes");
    }

    private static long num(Map<String, Object> m, String key) {
        return FaultToleranceIT.num(m, key);
    }
}
