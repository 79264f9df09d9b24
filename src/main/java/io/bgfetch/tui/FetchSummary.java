package io.bgfetch.tui;

import io.bgfetch.protocol.Registration;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The one line that says how a fetch ended, printed below the progress display (or after the
 * plain progress lines) by {@code fetch --wait}, {@code wait} and {@code status --watch}:
 *
 * <pre>
 * fetch 'podcast-42' done: 74.4 MiB in 12s (6.2 MiB/s), 2 requests
 * fetch 'broken' failed: bad-status (HTTP 404 File not found)
 * </pre>
 *
 * The time is the fetch's own, from {@code createdAt} to {@code finishedAt}, so {@code wait}
 * started late reports the same as {@code fetch --wait}. The failure line's shape is documented
 * in the README (scripts grep it). Text from the server is sanitised.
 */
public final class FetchSummary {

    private FetchSummary() {
    }

    /** The line for a finished fetch (without the {@code bgfetch: } prefix). */
    public static String line(Registration r) {
        if (!"success".equals(r.result())) {
            return failure(r);
        }
        StringBuilder sb = new StringBuilder("fetch '").append(r.id()).append('\'').append(" done: ").append(HumanFormat.bytes(r.downloaded()));
        Duration took = duration(r);
        if (took != null) {
            sb.append(" in ").append(HumanFormat.duration(Math.max(0, took.toSeconds())));
            if (took.toMillis() > 0) {
                long rate = (long) (r.downloaded() * 1000.0 / took.toMillis());
                sb.append(" (").append(HumanFormat.rate(rate)).append(')');
            }
        }
        sb.append(", ").append(r.requests()).append(r.requests() == 1 ? " request" : " requests");
        return TerminalText.sanitize(sb.toString());
    }

    /** {@code fetch 'ID' failed: REASON (MESSAGE)}: why a fetch did not succeed. */
    public static String failure(Registration r) {
        String reason = r.failureReason() == null || r.failureReason().isEmpty() ? "" : ": " + r.failureReason();
        String message = r.message() == null || r.message().isEmpty() ? "" : " (" + r.message() + ")";
        String verb = r.isDone() ? "failed" : "did not end (" + r.state() + ")";
        return TerminalText.sanitize("fetch '" + r.id() + "' " + verb + reason + message);
    }

    private static Duration duration(Registration r) {
        if (r.createdAt() == null || r.finishedAt() == null) {
            return null;
        }
        try {
            return Duration.between(Instant.parse(r.createdAt()), Instant.parse(r.finishedAt()));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
