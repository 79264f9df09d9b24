package io.bgfetch.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.protocol.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PlainProgressTest {
    static final long SECOND = 1_000_000_000L;

    final List<String> lines = new ArrayList<>();
    final AtomicLong clock = new AtomicLong(SECOND);
    final PlainProgress progress = new PlainProgress(lines::add, clock::get, 5 * SECOND);

    static Registration reg(String id, String state, long downloaded, long expected, long rate) {
        return new Registration(id, "", state, "done".equals(state) ? "success" : "", "", downloaded, 0, 0, 0, 1, 0,
                false, "2026-11-21T10:00:00Z", null, "", null, null, rate, expected, List.of());
    }

    @Test
    void aLineAtFirstSightThenEveryIntervalWithPercentBytesRateAndEta() {
        progress.update(List.of(reg("a", "active", 10, 100, 10)));
        assertEquals(List.of("a active 10 B/100 B 10% 10 B/s ETA 9s"), lines);
        clock.addAndGet(4 * SECOND);
        progress.update(List.of(reg("a", "active", 50, 100, 10)));
        assertEquals(1, lines.size(), "not yet: " + lines);
        clock.addAndGet(SECOND);
        progress.update(List.of(reg("a", "active", 60, 100, 10)));
        assertEquals("a active 60 B/100 B 60% 10 B/s ETA 4s", lines.get(1));
    }

    @Test
    void aStateChangeIsPrintedAtOnceAndTheEndIsLeftToTheSummary() {
        progress.update(List.of(reg("a", "active", 10, 100, 10)));
        clock.addAndGet(SECOND);
        progress.update(List.of(reg("a", "paused", 10, 100, 0)));
        assertEquals("a paused 10 B/100 B 10%", lines.get(1));
        progress.update(List.of(reg("a", "done", 100, 100, 0)));
        assertEquals(2, lines.size(), lines.toString());
    }

    @Test
    void eachFetchHasItsOwnClockAndNoLineHasEscapes() {
        progress.update(List.of(reg("a", "active", 1, 0, 1), reg("b\u001B[2J", "queued", 0, 0, 0)));
        assertEquals(2, lines.size());
        for (String line : lines) {
            assertTrue(line.chars().noneMatch(c -> c < 0x20), line);
        }
    }
}
