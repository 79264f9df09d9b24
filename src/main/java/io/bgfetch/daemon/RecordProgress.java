package io.bgfetch.daemon;

import com.fasterxml.jackson.jr.ob.JSON;
import io.bgfetch.store.FetchStore;
import io.bgfetch.store.SegmentRow;
import io.bgfetch.store.StoreException;
import io.bgfetch.transfer.FailureKind;
import io.bgfetch.transfer.ResponseHead;
import io.bgfetch.transfer.Segment;
import io.bgfetch.transfer.TransferFailure;
import io.bgfetch.transfer.TransferListener;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Persists one record's transfer as it goes and feeds the fetch's live counters: the
 * daemon's side of {@link TransferListener}.
 */
final class RecordProgress implements TransferListener {
    private final FetchRun run;
    private final FetchStore store;
    private final StorageBudget budget;
    private final long key;
    private final int index;
    /** Body bytes received for this record, counted into the fetch's total. */
    private final AtomicLong received;
    /** This record's own rate, for the per-transfer lines of progress displays. */
    private final RateMeter rate = new RateMeter();
    private volatile List<Segment> plan;
    /** The quota's count of a body without a length, or null (a known length was claimed whole, or no quota). */
    private volatile StorageBudget.Streamed streamed;
    /** The head of a body that starts from zero, until {@link #planned} stores it with its plan. */
    private volatile ResponseHead newHead;

    RecordProgress(FetchRun run, FetchStore store, StorageBudget budget, long key, int index, List<Segment> storedPlan) {
        this.run = run;
        this.store = store;
        this.budget = budget;
        this.key = key;
        this.index = index;
        this.plan = storedPlan;
        this.received = new AtomicLong(storedPlan.stream().mapToLong(Segment::written).sum());
        this.streamed = streamedIfUnknownLength(storedPlan);
    }

    /** A plan with an open-ended segment is a body whose length nobody announced. */
    private StorageBudget.Streamed streamedIfUnknownLength(List<Segment> newPlan) {
        boolean unknownLength = newPlan.stream().anyMatch(s -> s.end() < 0);
        return unknownLength ? budget.streamed(key, index) : null;
    }

    /** The live segments, for snapshots and for readers following the body. */
    List<Segment> plan() {
        return plan;
    }

    /** Body bytes of this record received so far (before they are durable). */
    long received() {
        return received.get();
    }

    void sampleRate() {
        rate.sample(received.get());
    }

    long bytesPerSecond() {
        return rate.bytesPerSecond();
    }

    /**
     * The body's new head is stored with its plan, in one commit ({@link #planned} follows at
     * once): a head without a plan would prove nothing about the bytes on disk anyway.
     */
    @Override
    public void headReceived(ResponseHead head) throws TransferFailure.Permanent {
        budget.reserve(key, index, head.size());
        newHead = head;
    }

    @Override
    public void errorResponse(ResponseHead head) {
        saveHead(head);
    }

    private void saveHead(ResponseHead head) {
        store.saveHead(key, index, head.status(), head.statusText(), headersJson(head), head.size(), head.etag(),
                head.lastModified());
    }

    private static String headersJson(ResponseHead head) {
        try {
            return JSON.std.asString(head.headers());
        } catch (IOException e) {
            return "{}";
        }
    }

    @Override
    public void planned(List<Segment> newPlan) {
        run.addDownloaded(-received.getAndSet(0));
        List<SegmentRow> rows = new ArrayList<>();
        for (Segment s : newPlan) {
            rows.add(new SegmentRow(s.index(), s.start(), s.end(), s.written()));
        }
        ResponseHead head = newHead;
        newHead = null;
        if (head != null) {
            store.startBody(key, index, head.status(), head.statusText(), headersJson(head), head.size(), head.etag(),
                    head.lastModified(), rows);
        } else {
            store.replaceSegments(key, index, rows);
        }
        plan = newPlan;
        streamed = streamedIfUnknownLength(newPlan);
    }

    @Override
    public void bytesArrived(int n) throws TransferFailure.Permanent {
        long total = received.addAndGet(n);
        run.addDownloaded(n);
        StorageBudget.Streamed s = streamed;
        if (s != null) {
            s.arrived(total); // cheap: a compare, and the budget's lock once per step
        }
    }

    @Override
    public void checkpoint(Segment segment, long durableBytes) throws TransferFailure.Permanent {
        try {
            store.checkpoint(key, index, segment.index(), durableBytes, segment.end());
        } catch (StoreException e) {
            throw new TransferFailure.Permanent(StoreException.isDiskFull(e) ? FailureKind.QUOTA : FailureKind.FETCH_ERROR,
                    "cannot record progress: " + e.getMessage(), 0, e);
        }
    }

    @Override
    public void restarted(String reason) {
        Log.info("fetch " + key + " record " + index + ": starting the body again: " + reason);
        run.addDownloaded(-received.getAndSet(0));
        store.replaceSegments(key, index, List.of());
        plan = List.of();
        streamed = null;
    }

    @Override
    public void integrityMismatch() {
        store.countIntegrityRetry(key, index);
    }

    @Override
    public void waiting(String reason, Instant nextAttempt) {
        run.recordWaiting(index, reason, nextAttempt);
    }

    @Override
    public void attempting() {
        run.recordAttempting(index);
    }

    @Override
    public void uploaded(long bytes) {
        run.recordUploaded(index, bytes);
    }

    @Override
    public void sourceChanged(int source, String url, String reason) {
        // Not the URL itself: a signed mirror URL may carry a token in its query.
        Log.info("fetch " + key + " record " + index + ": " + reason + "; mirror " + source + " takes over");
        store.setSource(key, index, source);
    }
}
