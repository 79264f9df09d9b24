package io.bgfetch.daemon;

import io.bgfetch.lifecycle.FetchState;
import io.bgfetch.store.RecordRow;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * The live view of a running fetch: one {@link RecordView} per record, and what is derived from
 * them for {@code status}: the fetch's live state, its bytes, upload count and rate. The fetch's byte count is the sum of its records' (kept up to date by their
 * changes, not counted a second time).
 */
final class LiveRecords {
    private final Map<Integer, RecordView> views = new LinkedHashMap<>();
    private final IntSupplier queued;
    private final LongConsumer onBytes;
    private final AtomicLong total = new AtomicLong();
    /** Records being transferred (running or waiting to retry): from or to none, the fetch's state may change. */
    private final AtomicInteger transferring = new AtomicInteger();
    private final RateMeter rate = new RateMeter();

    /**
     * @param storedBytes a record's stored body bytes (see {@link Snapshots#storedBytes})
     * @param queued      how many records wait for a transfer slot
     * @param onBytes     told the fetch's new byte count whenever it grows (the --download-total check)
     */
    LiveRecords(List<RecordRow> records, ToLongFunction<RecordRow> storedBytes, IntSupplier queued,
                LongConsumer onBytes) {
        this.queued = queued;
        this.onBytes = onBytes;
        for (RecordRow r : records) {
            long stored = storedBytes.applyAsLong(r);
            views.put(r.idx(), new RecordView(r.idx(), this, stored));
            total.addAndGet(stored);
        }
    }

    RecordView view(int index) {
        return Objects.requireNonNull(views.get(index), () -> "no record " + index);
    }

    /** A record's bytes changed by {@code delta}. */
    void added(long delta) {
        long now = total.addAndGet(delta);
        if (delta > 0) {
            onBytes.accept(now);
        }
    }

    /** A record began ({@code +1}) or stopped ({@code -1}) being transferred; returns how many are now. */
    int transferring(int delta) {
        return transferring.addAndGet(delta);
    }

    int transferring() {
        return transferring.get();
    }

    long downloaded() {
        return total.get();
    }

    long uploaded() {
        return views.values().stream().mapToLong(RecordView::uploaded).sum();
    }

    long bytesPerSecond() {
        return rate.bytesPerSecond();
    }

    void sampleRate() {
        rate.sample(total.get());
        for (RecordView v : views.values()) {
            if (v.status().isTransferring()) {
                v.sampleRate();
            }
        }
    }

    /**
     * active while any record transfers; waiting when every record in flight sleeps before a
     * retry; queued when none is in flight and some wait for a transfer slot; else active (the
     * fetch is between records, or ending).
     */
    FetchState state() {
        boolean inFlight = false;
        for (RecordView v : views.values()) {
            RecordView.Phase p = v.status().phase();
            if (p == RecordView.Phase.RUNNING) {
                return FetchState.ACTIVE;
            }
            inFlight |= p == RecordView.Phase.WAITING;
        }
        if (inFlight) {
            return FetchState.WAITING;
        }
        return queued.getAsInt() > 0 ? FetchState.QUEUED : FetchState.ACTIVE;
    }

    /** While waiting: why the first waiting record waits, and the earliest next attempt. */
    String waitingMessage() {
        return waiting().map(RecordView.Status::waitReason).findFirst().orElse("");
    }

    Instant nextAttempt() {
        return waiting().map(RecordView.Status::nextAttempt).filter(Objects::nonNull)
                .min(Comparator.naturalOrder()).orElse(null);
    }

    private Stream<RecordView.Status> waiting() {
        return views.values().stream().map(RecordView::status).filter(s -> s.phase() == RecordView.Phase.WAITING);
    }
}
