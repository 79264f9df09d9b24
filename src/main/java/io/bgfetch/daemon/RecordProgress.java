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

/**
 * Persists one record's transfer as it goes and feeds its live view: the daemon's side of
 * {@link TransferListener}. While the record sleeps before a retry it lends its transfer slot.
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

    RecordProgress(RecordView view, TransferQueue.Slot slot, DaemonContext ctx, long key, List<Segment> storedPlan) {
        this.view = view;
        this.slot = slot;
        this.changes = ctx.changes();
        this.store = ctx.store();
        this.budget = ctx.budget();
        this.key = key;
        this.index = view.index();
        this.streamed = streamedIfUnknownLength(storedPlan);
        view.started(storedPlan);
    }

    /** A plan with an open-ended segment is a body whose length nobody announced. */
    private StorageBudget.Streamed streamedIfUnknownLength(List<Segment> newPlan) {
        boolean unknownLength = newPlan.stream().anyMatch(s -> s.end() < 0);
        return unknownLength ? budget.streamed(key, index) : null;
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
        List<SegmentRow> rows = new ArrayList<>();
        for (Segment s : newPlan) {
            rows.add(new SegmentRow(s.index(), s.start(), s.end(), s.written()));
        }
        store.replaceSegments(key, index, rows);
        view.replan(newPlan);
        streamed = streamedIfUnknownLength(newPlan);
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
        store.replaceSegments(key, index, List.of());
        view.replan(List.of());
        streamed = null;
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
