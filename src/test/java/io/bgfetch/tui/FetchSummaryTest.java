package io.bgfetch.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bgfetch.protocol.Registration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FetchSummaryTest {

    static Registration done(String id, String result, String reason, long downloaded, int requests,
                             String created, String finished, String message) {
        return new Registration(id, "", "done", result, reason, downloaded, 0, 0, 0, requests, requests, true,
                created, finished, message, null, null, 0, downloaded, List.of());
    }

    @Test
    void successSaysHowMuchHowLongAndHowFast() {
        assertEquals("fetch 'podcast-42' done: 74.0 MiB in 12s (6.2 MiB/s), 2 requests",
                FetchSummary.line(done("podcast-42", "success", "", 74L * 1024 * 1024, 2,
                        "2026-11-21T10:00:00Z", "2026-11-21T10:00:12Z", "")));
        assertEquals("fetch 'one' done: 10 B in 0s (20 B/s), 1 request",
                FetchSummary.line(done("one", "success", "", 10, 1,
                        "2026-11-21T10:00:00Z", "2026-11-21T10:00:00.500Z", "")));
    }

    @Test
    void withoutTimesThereIsNoDuration() {
        assertEquals("fetch 'x' done: 5 B, 1 request",
                FetchSummary.line(done("x", "success", "", 5, 1, "2026-11-21T10:00:00Z", null, "")));
        assertEquals("fetch 'x' done: 5 B, 1 request",
                FetchSummary.line(done("x", "success", "", 5, 1, "yesterday", "today", "")));
    }

    @Test
    void failureGivesTheReasonAndTheMessage() {
        assertEquals("fetch 'broken' failed: bad-status (HTTP 404 File not found)",
                FetchSummary.line(done("broken", "failure", "bad-status", 0, 1,
                        "2026-11-21T10:00:00Z", "2026-11-21T10:00:01Z", "HTTP 404 File not found")));
        assertEquals("fetch 'a' failed: aborted", FetchSummary.line(done("a", "failure", "aborted", 0, 1, null, null, "")));
    }

    @Test
    void serverTextIsSanitised() {
        assertEquals("fetch 'b' failed: bad-status (HTTP 404 ?Gone)",
                FetchSummary.line(done("b", "failure", "bad-status", 0, 1, null, null,
                        "HTTP 404 \u001B]0;title\u0007\u001B[31m\rGone")));
    }
}
