package io.bgfetch.tui;

import io.bgfetch.protocol.Registration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Progress for logs ({@code --progress plain}): for each running fetch, one line without escape
 * sequences when it is first seen, when its state changes, and otherwise every
 * {@value #INTERVAL_SECONDS} seconds, such as
 * {@code podcast-42 active 33.8 MiB/75.0 MiB 45% 3.2 MiB/s ETA 13s}. CI systems that stop a job
 * which has printed nothing for ten minutes see it is alive, and the log stays short. The end of
 * a fetch is left to {@link FetchSummary}.
 */
public final class PlainProgress {

    static final int INTERVAL_SECONDS = 5;

    private final Consumer<String> sink;
    private final LongSupplier clock;
    private final long intervalNanos;
    private final Map<String, Shown> shown = new HashMap<>();

    private record Shown(String state, long at) {
    }

    /** @param sink receives each line (the caller adds its prefix and newline) */
    public PlainProgress(Consumer<String> sink) {
        this(sink, System::nanoTime, INTERVAL_SECONDS * 1_000_000_000L);
    }

    PlainProgress(Consumer<String> sink, LongSupplier nanoClock, long intervalNanos) {
        this.sink = sink;
        this.clock = nanoClock;
        this.intervalNanos = intervalNanos;
    }

    /** Takes a snapshot and prints the lines that are due. */
    public void update(List<Registration> registrations) {
        long now = clock.getAsLong();
        for (Registration r : registrations) {
            if (r.isDone()) {
                continue;
            }
            Shown last = shown.get(r.id());
            if (last == null || !Objects.equals(last.state(), r.state()) || now - last.at() >= intervalNanos) {
                sink.accept(ProgressDisplay.plainLine(r));
                shown.put(r.id(), new Shown(r.state(), now));
            }
        }
    }
}
