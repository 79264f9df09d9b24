package io.bgfetch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bgfetch.protocol.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NdjsonViewTest {
    static final long MS = 1_000_000L;

    final List<Registration> printed = new ArrayList<>();
    final AtomicLong clock = new AtomicLong(1_000 * MS);
    final NdjsonView view = new NdjsonView(printed::add, clock::get);

    static Registration reg(String id, String state, String result, long downloaded) {
        return new Registration(id, "", state, result, "", downloaded, 0, 0, 0, 1, 0, false,
                "2026-11-21T10:00:00Z", null, "", null, null, downloaded, 100, List.of());
    }

    @Test
    void everyFetchOnceAtFirstThenOnlyChanges() {
        view.show(List.of(reg("a", "active", "", 1), reg("b", "queued", "", 0)));
        assertEquals(2, printed.size());
        clock.addAndGet(1_000 * MS);
        view.show(List.of(reg("a", "active", "", 1), reg("b", "queued", "", 0)));
        assertEquals(2, printed.size(), "nothing changed, nothing printed");
    }

    @Test
    void progressOfOneFetchAtMostEveryMinGapButStateChangesAtOnce() {
        view.show(List.of(reg("a", "active", "", 1)));
        clock.addAndGet(100 * MS);
        view.show(List.of(reg("a", "active", "", 2)));
        assertEquals(1, printed.size(), "progress 100 ms later is held back");
        clock.addAndGet(NdjsonView.MIN_GAP_MILLIS * MS);
        view.show(List.of(reg("a", "active", "", 3)));
        assertEquals(3, printed.get(1).downloaded());
        clock.addAndGet(MS);
        view.show(List.of(reg("a", "done", "success", 100)));
        assertEquals(3, printed.size(), "the end is printed at once");
        assertEquals("success", printed.get(2).result());
        view.show(List.of(reg("a", "done", "success", 100)));
        assertEquals(3, printed.size(), "and only once");
    }
}
