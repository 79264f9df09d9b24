package io.bgfetch.daemon;

import io.bgfetch.lifecycle.FailureReason;
import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.PreviousResponse;
import io.bgfetch.store.RecordRow;
import io.bgfetch.store.SegmentRow;
import io.bgfetch.transfer.Cancellation;
import io.bgfetch.transfer.DownloadRequest;
import io.bgfetch.transfer.Outcome;
import io.bgfetch.transfer.RateLimiter;
import io.bgfetch.transfer.RecordDownload;
import io.bgfetch.transfer.ResponseHead;
import io.bgfetch.transfer.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One record's transfer on a transfer slot, and how its end is stored: a complete body, a kept
 * previous one (304), or a failure, each a guarded record move. A cancelled record stays pending
 * and resumes from its checkpoints. Whatever it throws (a database error in a callback) is its
 * run's to handle: the run stops the record's siblings and waits for them before any clean-up.
 */
final class RecordTask {
    /** How a record failed, for the fetch's failureReason (the first failure decides). */
    record Failure(FailureReason reason, String message) {
    }

    private final DaemonContext ctx;
    private final FetchRow fetch;
    private final RateLimiter limiter;
    private final Cancellation cancel;

    RecordTask(DaemonContext ctx, FetchRow fetch, RateLimiter limiter, Cancellation cancel) {
        this.ctx = ctx;
        this.fetch = fetch;
        this.limiter = limiter;
        this.cancel = cancel;
    }

    /**
     * Transfers the record; returns its failure, or null when it completed or was stopped.
     *
     * @param stored whether the record may have stored transfer state (a plan, a retry window)
     *               to resume from; false only when the store had none when its run began
     */
    Failure run(RecordRow r, RecordView view, TransferQueue.Slot slot, boolean stored) {
        try {
            return transfer(r, view, slot, stored);
        } finally {
            view.stopped(); // whatever happened, it is not in flight any more
            signal(view);
        }
    }

    /**
     * Wakes the streams: a watch only when the fetch's live state may have changed with this
     * record (its first or last one in flight), those following records always.
     */
    private void signal(RecordView view) {
        if (view.fetchMayHaveChanged()) {
            ctx.changes().changed();
        } else {
            ctx.changes().progressed();
        }
    }

    private Failure transfer(RecordRow r, RecordView view, TransferQueue.Slot slot, boolean stored) {
        Path body = DestPlacer.prepare(ctx.paths(), fetch, r.idx()); // --dest: a part file in DIR
        RecordProgress progress = new RecordProgress(view, slot, ctx, r, stored); // the stored plan, with its checksums
        List<Segment> plan = progress.storedPlan();
        signal(view);
        Outcome outcome = new RecordDownload(ctx.http(), ctx.settings().transfer(), downloadRequest(r, body),
                storedHead(r), plan, progress, limiter, cancel).run();
        if (outcome instanceof Outcome.Done done) {
            // with the body's last progress, held back for this one commit
            if (!ctx.store().states().completeRecord(r.fetchKey(), r.idx(), done.size(), progress.heldBack())) {
                Log.info("fetch " + fetch.key() + " record " + r.idx() + " completed after it was discarded");
            }
            view.ended(done.size());
        } else if (outcome instanceof Outcome.NotModified) {
            view.ended(Recheck.keep(ctx, r)); // the fetch's bytes are its stored bodies, kept ones included
        } else if (outcome instanceof Outcome.Failed failed) {
            deleteQuietly(body); // first: on a full disk, the database needs the room
            FailureReason reason = failed.kind().reason();
            ctx.store().states().failRecord(r.fetchKey(), r.idx(), reason, failed.message());
            ctx.store().replaceSegments(r.fetchKey(), r.idx(), List.of());
            ctx.budget().release(r.fetchKey(), r.idx());
            view.ended(0);
            Log.info("fetch " + fetch.key() + " record " + r.idx() + " failed: " + reason.wire() + ": " + failed.message());
            return new Failure(reason, failed.message());
        }
        // Cancelled: the record stays pending and resumes from its checkpoints.
        progress.recordHeldBack();
        return null;
    }

    /** What the transfer of one record needs, derived from the fetch's options and the record's request. */
    private DownloadRequest downloadRequest(RecordRow r, Path body) {
        FetchOptions o = fetch.options();
        PreviousResponse recheck = Recheck.against(r, body);
        return new DownloadRequest(r.url(), r.method(), o.headers(),
                o.uploadFile() == null ? null : Path.of(o.uploadFile()), r.sha256(), o.connections(),
                Duration.ofMillis(o.retryForMillis()), body, r.integrityRetries(), o.network(), r.spec().credentials(),
                r.spec().mirrors(), r.source(), recheck == null ? null : recheck.etag(),
                recheck == null ? null : recheck.lastModified());
    }

    /** The 2xx head stored for a body in progress, or null when no body has started. */
    private static ResponseHead storedHead(RecordRow r) {
        if (r.status() < 200 || r.status() > 299) {
            return null;
        }
        Map<String, String> headers = Snapshots.headers(r.headersJson());
        return new ResponseHead(r.status(), r.statusText(), headers, r.size(), r.etag(), r.lastModified(),
                "bytes".equalsIgnoreCase(String.valueOf(headers.get("accept-ranges")).trim()));
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            Log.error("cannot delete " + p, e);
        }
    }
}
