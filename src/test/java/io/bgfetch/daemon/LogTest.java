package io.bgfetch.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log's timestamps read as {@link Instant#toString} writes them, whatever the fraction. */
class LogTest {
    @Test
    void timestampsAreWrittenAsInstantWritesThem() {
        for (Instant t : List.of(Instant.parse("2026-12-01T16:51:05.779763014Z"), Instant.parse("2026-12-01T16:51:05Z"),
                Instant.parse("2026-01-02T03:04:00.100Z"), Instant.parse("1999-12-31T23:59:59.000001Z"),
                Instant.parse("2026-12-01T00:00:00.000000010Z"), Instant.EPOCH, Instant.now())) {
            assertEquals(t.toString(), Log.timestamp(t));
        }
    }
}
