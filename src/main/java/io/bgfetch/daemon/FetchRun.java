package io.bgfetch.daemon;

import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.PreviousResponse;
import io.bgfetch.store.RecordRow;
import io.bgfetch.store.SegmentRow;
import io.bgfetch.store.StoreException;
import io.bgfetch.transfer.Cancellation;
import io.bgfetch.transfer.DownloadRequest;
import io.bgfetch.transfer.FailureKind;
import io.bgfetch.transfer.Outcome;
import io.bgfetch.transfer.RateLimiter;
import io.bgfetch.transfer.RecordDownload;
import io.bgfetch.transfer.ResponseHead;
import io.bgfetch.transfer.Segment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One fetch being worked on: queues its unfinished records in its lane of the daemon's
 * {@link TransferQueue} (which runs at most {@code --jobs} of them at once), and when they have
 * all ended (or the fetch was told to stop) hands the ending to {@link FetchEnding}.
 * It has no thread of its own: it is driven by its records ending, and its ending runs on the
 * scheduler's small endings executor. It also holds the fetch's live numbers (bytes, rate,
 * waiting state) for snapshots.
 */
final class FetchRun {
    /** The first record failure decides the fetch's failureReason. */
    record Failure(String reason, String message) {
    }

    private final DaemonContext ctx;
    private final FetchRow fetch;
    private final TransferQueue.Lane lane;
    private final Executor endings;
    private final Consumer<FetchRun> onEnd;
    private final Cancellation cancel = new Cancellation();
    private final RateLimiter limiter;
    private final AtomicLong downloaded = new AtomicLong();
    private final Map<Integer, Long> uploadedByRecord = new ConcurrentHashMap<>();
    private final Map<Integer, RecordProgress> live = new ConcurrentHashMap<>();
    private final Set<Integer> running = ConcurrentHashMap.newKeySet();
    private final Map<Integer, String> waiting = new ConcurrentHashMap<>();
    private final Map<Integer, TransferQueue.Slot> slots = new ConcurrentHashMap<>();
    private final AtomicReference<Failure> firstFailure = new AtomicReference<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final RateMeter rate = new RateMeter();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Instant nextAttempt;
    private StopReason stopReason;
    private String stopMessage = "";
    private boolean concluding;
    // The run's life, guarded by this: records queued or running, and whether the end is on its way.
    private boolean begun;
    private int outstanding;
    private boolean endScheduled;
    private Throwable fatal;

    FetchRun(DaemonContext ctx, FetchRow fetch, TransferQueue transfers, Executor endings, Consumer<FetchRun> onEnd) {
        this.ctx = ctx;
        this.fetch = fetch;
        this.lane = transfers.lane(fetch.options().jobs());
        this.endings = endings;
        this.onEnd = onEnd;
        this.limiter = new RateLimiter(fetch.options().limitRate());
    }

    long key() {
        return fetch.key();
    }

    /**
     * Queues every unfinished record and returns; the fetch then moves on as its records end.
     * A run told to stop before this queues nothing and ends at once.
     */
    void begin() {
        List<RecordRow> todo = List.of();
        Throwable failure = null;
        try {
            List<RecordRow> records = ctx.store().records(fetch.key());
            downloaded.set(Snapshots.storedBytes(ctx.store(), records));
            todo = records.stream().filter(r -> !r.isFinished()).toList();
        } catch (RuntimeException e) {
            failure = e;
        }
        synchronized (this) {
            begun = true;
            if (failure != null) {
                fatal = failure;
            } else if (stopReason == null) {
                for (RecordRow r : todo) {
                    if (lane.submit(slot -> transfer(r, slot))) {
                        outstanding++;
                    }
                }
            }
            endIfIdle();
        }
    }

    /** One record on a transfer slot; whatever happens, the run learns that it ended. */
    private void transfer(RecordRow r, TransferQueue.Slot slot) {
        slots.put(r.idx(), slot);
        try {
            if (!cancel.isCancelled() && started.compareAndSet(false, true)) {
                ctx.store().setState(fetch.key(), "active", "");
            }
            runRecord(r);
        } catch (Throwable t) {
            // The fetch cannot go on: stop its other records; the ending records the failure.
            synchronized (this) {
                if (fatal == null) {
                    fatal = t;
                }
            }
            cancel.cancel();
            synchronized (this) {
                outstanding -= lane.close();
            }
        } finally {
            slots.remove(r.idx());
            synchronized (this) {
                outstanding--;
                endIfIdle();
            }
        }
    }

    /**
     * Once no record is queued or running, the ending goes to the endings executor (once). When
     * the records ended on their own it is then too late to pause or abort; a stop on its way may
     * still turn into an abort until the ending starts. Caller holds the lock.
     */
    private void endIfIdle() {
        if (begun && outstanding == 0 && !endScheduled) {
            endScheduled = true;
            concluding |= stopReason == null;
            endings.execute(this::finish);
        }
    }

    private void finish() {
        try {
            Throwable t;
            synchronized (this) {
                t = fatal;
            }
            if (t != null) {
                failed(t);
            } else {
                end();
            }
        } catch (Throwable t) {
            failed(t);
        } finally {
            long up = uploaded();
            if (up > 0) {
                try {
                    ctx.store().setUploaded(fetch.key(), up);
                } catch (RuntimeException e) {
                    Log.error("cannot record the upload count of fetch " + fetch.key(), e);
                }
            }
            // Leave the scheduler before waking waiters: a 'resume' right after 'pause' returns
            // must not find this run still registered.
            onEnd.accept(this);
            ended.countDown();
        }
    }

    private void failed(Throwable t) {
        boolean diskFull = StoreException.isDiskFull(t);
        Log.error("fetch " + fetch.key() + " ('" + fetch.id() + "') failed" + (diskFull ? ": the disk is full" : " unexpectedly"), t);
        try {
            cancel.cancel();
            ctx.ending().failIncomplete(fetch.key(), diskFull ? "quota-exceeded" : "fetch-error",
                    diskFull ? "the disk is full" : "internal error: " + t);
        } catch (RuntimeException again) {
            Log.error("cannot record the failure of fetch " + fetch.key(), again);
        }
    }

    private void runRecord(RecordRow r) {
        if (cancel.isCancelled()) {
            return;
        }
        RecordProgress progress = RecordProgress.load(this, ctx.store(), ctx.budget(), r);
        List<Segment> plan = progress.plan();
        live.put(r.idx(), progress);
        running.add(r.idx()); // "active" is live state: snapshots read it from here, not the store
        Path body = ctx.paths().body(r.fetchKey(), r.idx());
        DownloadRequest request = downloadRequest(r, body);
        Outcome outcome = new RecordDownload(ctx.http(), ctx.settings().transfer(), request, storedHead(r), plan,
                progress, limiter, cancel).run();
        running.remove(r.idx());
        waiting.remove(r.idx());
        ctx.changes().changed();
        if (outcome instanceof Outcome.Done done) {
            ctx.store().completeRecord(r.fetchKey(), r.idx(), done.size());
            live.remove(r.idx());
        } else if (outcome instanceof Outcome.NotModified) {
            addDownloaded(Recheck.keep(ctx, r)); // the fetch's bytes are its stored bodies, kept ones included
            live.remove(r.idx());
        } else if (outcome instanceof Outcome.Failed failed) {
            deleteQuietly(body); // first: on a full disk, the database needs the room
            ctx.store().failRecord(r.fetchKey(), r.idx(), failed.kind().reason(), failed.message());
            ctx.store().replaceSegments(r.fetchKey(), r.idx(), List.of());
            ctx.budget().release(r.fetchKey(), r.idx());
            live.remove(r.idx());
            Log.info("fetch " + fetch.key() + " record " + r.idx() + " failed: " + failed.kind().reason() + ": " + failed.message());
            firstFailure.compareAndSet(null, new Failure(failed.kind().reason(), failed.message()));
            if (failed.kind() == FailureKind.QUOTA) {
                stop(StopReason.QUOTA_EXCEEDED, failed.message());
            }
        }
        // Cancelled: the record stays "pending" in the store and resumes from its checkpoints.
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

    private void end() {
        StopReason reason;
        String message;
        synchronized (this) {
            concluding = true;
            reason = stopReason;
            message = stopMessage;
        }
        if (reason == null) {
            ctx.ending().conclude(fetch.key(), firstFailure.get());
            return;
        }
        switch (reason) {
            case PAUSE -> {
                ctx.store().setState(fetch.key(), "paused", "");
                ctx.changes().changed();
            }
            case SHUTDOWN -> Log.info("fetch " + fetch.key() + " saved for the next start");
            case ABORT -> ctx.ending().discard(fetch.key(), "aborted", "aborted by the user");
            case DOWNLOAD_TOTAL_EXCEEDED -> ctx.ending().discard(fetch.key(), "download-total-exceeded", message);
            case QUOTA_EXCEEDED -> ctx.ending().failIncomplete(fetch.key(), "quota-exceeded", message);
            default -> throw new IllegalStateException(reason.toString());
        }
    }

    /**
     * Asks the run to stop: records still queued are taken back at once, running ones are
     * cancelled, and the ending follows once every transfer has saved its bytes.
     *
     * @return false when the fetch is already ending on its own (too late to pause or abort)
     */
    boolean stop(StopReason reason, String message) {
        synchronized (this) {
            if (concluding) {
                return false;
            }
            if (stopReason == null || reason == StopReason.ABORT) {
                stopReason = reason;
                stopMessage = message;
            }
        }
        // Cancelled before the lane closes: a record that the close wakes from waiting for a
        // slot must find its attempt cancelled.
        cancel.cancel();
        synchronized (this) {
            outstanding -= lane.close();
            endIfIdle();
        }
        return true;
    }

    boolean awaitEnd(Duration timeout) {
        try {
            return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- live numbers, fed by RecordProgress -------------------------------------------------

    void addDownloaded(long n) {
        long now = downloaded.addAndGet(n);
        long total = fetch.downloadTotal();
        if (total > 0 && now > total) {
            stop(StopReason.DOWNLOAD_TOTAL_EXCEEDED,
                    "more than the expected " + total + " bytes arrived (--download-total)");
        }
    }

    /** A record sleeps before its next attempt: it lends its transfer slot meanwhile. */
    void recordWaiting(int index, String reason, Instant next) {
        waiting.put(index, reason);
        nextAttempt = next;
        TransferQueue.Slot slot = slots.get(index);
        if (slot != null) {
            slot.lend();
        }
        ctx.changes().changed();
    }

    /**
     * A record's attempt starts: after a wait, it first takes a slot back (waiting for one, still
     * shown as waiting). Without one the fetch is stopping, and the attempt ends at once.
     */
    void recordAttempting(int index) {
        TransferQueue.Slot slot = slots.get(index);
        if (slot != null) {
            slot.reclaim();
        }
        waiting.remove(index);
    }

    void recordUploaded(int index, long bytes) {
        uploadedByRecord.put(index, bytes);
    }

    long downloaded() {
        return downloaded.get();
    }

    long uploaded() {
        return uploadedByRecord.values().stream().mapToLong(Long::longValue).sum();
    }

    void sampleRate() {
        rate.sample(downloaded.get());
        live.values().forEach(RecordProgress::sampleRate);
    }

    long bytesPerSecond() {
        return rate.bytesPerSecond();
    }

    /**
     * waiting when every running record is waiting to retry; queued when none runs and some
     * wait for a transfer slot; else active.
     */
    String state() {
        if (running.isEmpty()) {
            return lane.queued() > 0 ? "queued" : "active";
        }
        return waiting.size() >= running.size() ? "waiting" : "active";
    }

    String waitingMessage() {
        return waiting.values().stream().findFirst().orElse("");
    }

    Instant nextAttempt() {
        return "waiting".equals(state()) ? nextAttempt : null;
    }

    /** The live generation and segments of a record being transferred, or null when it is not running. */
    RecordProgress.Live liveBody(int index) {
        RecordProgress p = live.get(index);
        return p == null ? null : p.live();
    }

    boolean isRunning(int index) {
        return running.contains(index);
    }

    /** A running record's live counters (bytes received, rate), or null when it is not running. */
    RecordProgress progressOf(int index) {
        return running.contains(index) ? live.get(index) : null;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            Log.error("cannot delete " + p, e);
        }
    }
}
