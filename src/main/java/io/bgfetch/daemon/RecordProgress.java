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

/**
 * Persists one record's transfer as it goes and feeds its live view: the daemon's side of
 * {@link TransferListener}. While the record sleeps before a retry it lends its transfer slot.
 * The store's power-loss rules (its package documentation) decide which commits are forced.
 */
final class RecordProgress implements TransferListener {
    private final RecordView view;
    private final TransferQueue.Slot slot;
    private final ChangeSignal changes;
    private final FetchStore store;
    private final StorageBudget budget;
    private final long key;
    private final int index;
    /** The quota's count of a body without a length, or null (a known length was claimed whole, or no quota). */
    private volatile StorageBudget.Streamed streamed;
    /** The head of a body that starts from zero, until {@link #planned} stores it with its plan. */
    private volatile ResponseHead newHead;
    private final List<Segment> storedPlan;
    private final Instant retryWindowStart;
    /**
     * Whether the store may describe an earlier body of this record (see {@link
     * #describesEarlierBody}): a stored plan, a generation (a body was planned once, whatever
     * became of its plan since), or a previous response to re-check. Set once a body is planned.
     */
    private volatile boolean earlierBody;
    /**
     * The last progress of each segment that filled up, held back to be committed with the
     * record's ending ({@link #heldBack}) instead of on its own: one commit less per small file.
     * If the record does not complete it is recorded after all ({@link #recordHeldBack}); lost
     * to a crash, it only costs downloading those bytes again. Guarded by itself.
     */
    private final Map<Integer, FetchStore.Progress> held = new HashMap<>();

    /**
     * The record's transfer as stored: its segments with their checksums, its generation and
     * retry window; none, without looking, when {@code stored} is false (the store had none).
     */
    RecordProgress(RecordView view, TransferQueue.Slot slot, DaemonContext ctx, RecordRow r, boolean stored) {
        this.view = view;
        this.slot = slot;
        this.changes = ctx.changes();
        this.store = ctx.store();
        this.budget = ctx.budget();
        this.key = r.fetchKey();
        this.index = view.index();
        this.storedPlan = stored ? storedPlan(store, key, index) : new ArrayList<>();
        this.retryWindowStart = stored ? store.failingSince(key, index) : null;
        this.streamed = streamedIfUnknownLength(storedPlan);
        this.earlierBody = !storedPlan.isEmpty() || r.generation() > 0 || r.previous() != null;
        view.started(storedPlan, r.generation());
    }

    /** The plan the transfer starts from (the same segments the live view follows). */
    List<Segment> storedPlan() {
        return storedPlan;
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
        List<SegmentRow> rows = new ArrayList<>();
        for (Segment s : newPlan) {
            rows.add(new SegmentRow(s.index(), s.start(), s.end(), 0, 0, s.blockBytes()));
        }
        ResponseHead head = newHead;
        newHead = null;
        FetchStore.StoredHead stored = head == null ? null : new FetchStore.StoredHead(head.status(), head.statusText(),
                headersJson(head), head.size(), head.etag(), head.lastModified());
        // head, plan and generation in one commit, before the new body's first byte: forced
        // when an earlier body may be described (rule 2), else an ordinary progress commit
        boolean forced = earlierBody;
        long generation = store.startBody(key, index, stored, rows, forced);
        earlierBody = true;
        dropHeldBack(); // of the body this one replaces
        view.replan(newPlan, generation);
        streamed = streamedIfUnknownLength(newPlan);
        changes.progressed(); // a new body: readers following the record start it afresh
    }

    @Override
    public boolean describesEarlierBody() {
        return earlierBody;
    }

    @Override
    public void bytesArrived(int n) throws TransferFailure.Permanent {
        view.arrived(n);
        StorageBudget.Streamed s = streamed;
        if (s != null) {
            s.arrived(view.bytes()); // cheap: a compare, and the budget's lock once per step
        }
    }

    @Override
    public void progress(Segment segment, long written, int blk, int crc) throws TransferFailure.Permanent {
        if (segment.end() >= 0 && written >= segment.end()) {
            synchronized (held) {
                held.put(segment.index(), new FetchStore.Progress(segment.index(), written, segment.end(),
                        segment.blockBytes(), blk, crc));
            }
            return;
        }
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
    public void split(Segment from, Segment added) throws TransferFailure.Permanent {
        try {
            store.splitSegment(key, index, from.index(), added.start(),
                    new SegmentRow(added.index(), added.start(), added.end(), 0, 0, added.blockBytes()));
        } catch (StoreException e) {
            throw cannotRecord(e);
        }
        view.split(added);
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
        view.lost(segment.written() - bytes);
    }

    private static TransferFailure.Permanent cannotRecord(StoreException e) {
        return new TransferFailure.Permanent(StoreException.isDiskFull(e) ? FailureKind.QUOTA : FailureKind.FETCH_ERROR,
                "cannot record progress: " + e.getMessage(), 0, e);
    }

    @Override
    public void restarted(String reason) {
        Log.info("fetch " + key + " record " + index + ": starting the body again: " + reason);
        dropHeldBack();
        store.replaceSegments(key, index, List.of());
        view.replan(List.of(), view.generation());
        streamed = null;
    }

    /** The progress held back for the record's ending (taken: it is the caller's to commit). */
    List<FetchStore.Progress> heldBack() {
        synchronized (held) {
            List<FetchStore.Progress> out = new ArrayList<>(held.values());
            held.clear();
            return out;
        }
    }

    /** The record did not complete: what was held back is recorded on its own (best effort). */
    void recordHeldBack() {
        for (FetchStore.Progress p : heldBack()) {
            try {
                store.progress(key, index, p.seg(), p.done(), p.end(), p.block(), p.blk(), p.crc());
            } catch (StoreException e) {
                Log.error("fetch " + key + " record " + index + ": cannot record its progress (it is downloaded again)", e);
            }
        }
    }

    private void dropHeldBack() {
        synchronized (held) {
            held.clear();
        }
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
        view.waiting(reason, nextAttempt);
        slot.lend();
        changes.changed();
    }

    /**
     * An attempt starts: after a wait, the record first takes a slot back (waiting for one,
     * still shown as waiting). Without one the fetch is stopping, and the attempt ends at once.
     */
    @Override
    public void attempting() {
        slot.reclaim();
        view.attempting();
    }

    @Override
    public void uploaded(long bytes) {
        view.uploaded(bytes);
    }

    @Override
    public void sourceChanged(int source, String url, String reason) {
        // Not the URL itself: a signed mirror URL may carry a token in its query.
        Log.info("fetch " + key + " record " + index + ": " + reason + "; mirror " + source + " takes over");
        store.setSource(key, index, source);
    }
}
