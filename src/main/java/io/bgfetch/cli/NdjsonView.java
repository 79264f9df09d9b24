package io.bgfetch.cli;

import io.bgfetch.protocol.Registration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * {@code status --watch --json}: one registration object per line (NDJSON) each time a fetch
 * changes. A change of state or result is printed at once; progress of the same fetch at most
 * every {@value #MIN_GAP_MILLIS} ms (a rate that moves every snapshot would otherwise flood the
 * consumer). A snapshot the same as the last one printed for that fetch is not repeated, so the
 * final one of a fetch that ended earlier is printed once.
 */
final class NdjsonView implements WatchView {
    static final long MIN_GAP_MILLIS = 400;

    private final Consumer<Registration> printer;
    private final LongSupplier clock;
    private final Map<String, Printed> printed = new HashMap<>();

    private record Printed(Registration registration, long at) {
    }

    /** @param printer writes one registration as one line of JSON */
    NdjsonView(Consumer<Registration> printer) {
        this(printer, System::nanoTime);
    }

    NdjsonView(Consumer<Registration> printer, LongSupplier nanoClock) {
        this.printer = printer;
        this.clock = nanoClock;
    }

    @Override
    public void show(List<Registration> snapshot) {
        long now = clock.getAsLong();
        for (Registration r : snapshot) {
            Printed last = printed.get(r.id());
            if (last == null || isDue(last, r, now)) {
                printer.accept(r);
                printed.put(r.id(), new Printed(r, now));
            }
        }
    }

    private static boolean isDue(Printed last, Registration r, long now) {
        Registration before = last.registration();
        if (before.equals(r)) {
            return false;
        }
        boolean stateChanged = !Objects.equals(before.state(), r.state()) || !Objects.equals(before.result(), r.result());
        return stateChanged || now - last.at() >= MIN_GAP_MILLIS * 1_000_000L;
    }
}
