package io.bgfetch.daemon;

import com.fasterxml.jackson.jr.ob.JSON;
import io.bgfetch.store.BlockRow;
import io.bgfetch.store.FetchStore;
import io.bgfetch.store.RecordRow;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Persists one record's transfer as it goes and feeds the fetch's live counters: the
 * daemon's side of {@link TransferListener}. The store's power-loss rules (see the store's
 * package documentation) decide which of these commits are forced.
 */
final class RecordProgress implements TransferListener {
    /**
     * What a reader of the body may rely on, swapped as one: the body's generation and its live
     * segments. A snapshot never pairs one generation with another generation's bytes.
     */
    record Live(long generation, List<Segment> plan) {
    }

    private final FetchRun run;
    private final FetchStore store;
    private final StorageBudget budget;
    private final long key;
    private final int index;
    /** Body bytes received for this record, counted into the fetch's total. */
    private final AtomicLong received;
    /** This record's own rate, for the per-transfer lines of progress displays. */
    private final RateMeter rate = new RateMeter();
    private volatile Live live;
    private final Instant retryWindowStart;
    /** The quota's count of a body without a length, or null (a known length was claimed whole, or no quota). */
    private volatile StorageBudget.Streamed streamed;

    RecordProgress(FetchRun run, FetchStore store, StorageBudget budget, long key, int index, List<Segment> storedPlan) {
        this(run, store, budget, key, index, storedPlan, 0, null);
    }

    private RecordProgress(FetchRun run, FetchStore store, StorageBudget budget, long key, int index,
                           List<Segment> storedPlan, long generation, Instant retryWindowStart) {
        this.run = run;
        this.store = store;
        this.budget = budget;
        this.key = key;
        this.index = index;
        this.live = new Live(generation, storedPlan);
        this.retryWindowStart = retryWindowStart;
        this.received = new AtomicLong(storedPlan.stream().mapToLong(Segment::written).sum());
        this.streamed = streamedIfUnknownLength(storedPlan);
    }

    /** The record's transfer as stored: its segments with their checksums, generation and retry window. */
    static RecordProgress load(FetchRun run, FetchStore store, StorageBudget budget, RecordRow r) {
        return new RecordProgress(run, store, budget, r.fetchKey(), r.idx(), storedPlan(store, r.fetchKey(), r.idx()),
                r.generation(), store.failingSince(r.fetchKey(), r.idx()));
    }

    /**
     * A body's segments as stored. A row without checksums (block 0: written before bodies had
     * them, or kept whole by a re-check) had its bytes fsynced before it was recorded.
     */
    static List<Segment> storedPlan(FetchStore store, long key, int idx) {
        Map<Integer, List<BlockRow>> blocks = new HashMap<>();
        for (BlockRow b : store.blocks(key, idx)) {
            blocks.computeIfAbsent(b.seg(), k -> new ArrayList<>()).add(b);
        }
        List<Segment> plan = new ArrayList<>();
        for (SegmentRow s : store.segments(key, idx)) {
            List<BlockRow> own = blocks.getOrDefault(s.seg(), List.of());
            int count = own.stream().mapToInt(BlockRow::blk).max().orElse(-1) + 1;
            long[] crcs = new long[count];
            Arrays.fill(crcs, Segment.NO_CRC);
            for (BlockRow b : own) {
                crcs[b.blk()] = Integer.toUnsignedLong(b.crc());
            }
            long durable = s.block() <= 0 ? s.done() : s.durable();
            plan.add(new Segment(s.seg(), s.start(), s.end(), s.done(), durable, s.block(), crcs));
        }
        return plan;
    }

    /** A plan with an open-ended segment is a body whose length nobody announced. */
    private StorageBudget.Streamed streamedIfUnknownLength(List<Segment> newPlan) {
        boolean unknownLength = newPlan.stream().anyMatch(s -> s.end() < 0);
        return unknownLength ? budget.streamed(key, index) : null;
    }

    /** The live segments, for snapshots and for readers following the body. */
    List<Segment> plan() {
        return live.plan();
    }

    /** The body's generation and segments, read together. */
    Live live() {
        return live;
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

    @Override
    public void headReceived(ResponseHead head) throws TransferFailure.Permanent {
        budget.reserve(key, index, head.size());
        saveHead(head);
    }

    @Override
    public void errorResponse(ResponseHead head) {
        saveHead(head);
    }

    private void saveHead(ResponseHead head) {
        String headers;
        try {
            headers = JSON.std.asString(head.headers());
        } catch (IOException e) {
            headers = "{}";
        }
        store.saveHead(key, index, head.status(), head.statusText(), headers, head.size(), head.etag(), head.lastModified());
    }

    @Override
    public void planned(List<Segment> newPlan) {
        run.addDownloaded(-received.getAndSet(0));
        List<SegmentRow> rows = new ArrayList<>();
        for (Segment s : newPlan) {
            rows.add(new SegmentRow(s.index(), s.start(), s.end(), 0, 0, s.blockBytes()));
        }
        long generation = store.startBody(key, index, rows); // forced: before the new body's first byte
        live = new Live(generation, newPlan);
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
    public void progress(Segment segment, long written, int blk, int crc) throws TransferFailure.Permanent {
        try {
            store.progress(key, index, segment.index(), written, segment.end(), segment.blockBytes(), blk, crc);
        } catch (StoreException e) {
            throw cannotRecord(e);
        }
    }

    @Override
    public void durable(int[] segments, long[] bytes, boolean force) throws TransferFailure.Permanent {
        try {
            store.durable(key, index, segments, bytes, force);
        } catch (StoreException e) {
            throw cannotRecord(e);
        }
    }

    @Override
    public void cutBack(Segment segment, long bytes) throws TransferFailure.Permanent {
        Log.info("fetch " + key + " record " + index + ": segment " + segment.index() + " goes on from byte "
                + (segment.start() + bytes) + " (the rest was not in the file as recorded)");
        try {
            store.cutBack(key, index, segment.index(), bytes);
        } catch (StoreException e) {
            throw cannotRecord(e);
        }
        long lost = segment.written() - bytes;
        received.addAndGet(-lost);
        run.addDownloaded(-lost);
    }

    private static TransferFailure.Permanent cannotRecord(StoreException e) {
        return new TransferFailure.Permanent(StoreException.isDiskFull(e) ? FailureKind.QUOTA : FailureKind.FETCH_ERROR,
                "cannot record progress: " + e.getMessage(), 0, e);
    }

    @Override
    public void restarted(String reason) {
        Log.info("fetch " + key + " record " + index + ": starting the body again: " + reason);
        run.addDownloaded(-received.getAndSet(0));
        store.replaceSegments(key, index, List.of());
        live = new Live(live.generation(), List.of());
        streamed = null;
    }

    @Override
    public Instant retryWindowStart() {
        return retryWindowStart;
    }

    @Override
    public void retryWindow(Instant since) {
        store.setFailingSince(key, index, since);
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
