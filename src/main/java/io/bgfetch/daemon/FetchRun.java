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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One fetch being worked on: runs its unfinished records, {@code --jobs} at a time, and when
 * they have all ended (or the fetch was told to stop) hands the ending to {@link FetchEnding}.
 * It also holds the fetch's live numbers (bytes, rate, waiting state) for snapshots.
 */
final class FetchRun implements Runnable {
    /** The first record failure decides the fetch's failureReason. */
    record Failure(String reason, String message) {
    }

    private final DaemonContext ctx;
    private final FetchRow fetch;
    private final Consumer<FetchRun> onEnd;
    private final Cancellation cancel = new Cancellation();
    private final RateLimiter limiter;
    private final AtomicLong downloaded = new AtomicLong();
    private final Map<Integer, Long> uploadedByRecord = new ConcurrentHashMap<>();
    private final Map<Integer, RecordProgress> live = new ConcurrentHashMap<>();
    private final Set<Integer> running = ConcurrentHashMap.newKeySet();
    private final Map<Integer, String> waiting = new ConcurrentHashMap<>();
    private final AtomicReference<Failure> firstFailure = new AtomicReference<>();
    private final RateMeter rate = new RateMeter();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Instant nextAttempt;
    private StopReason stopReason;
    private String stopMessage = "";
    private boolean concluding;

    FetchRun(DaemonContext ctx, FetchRow fetch, Consumer<FetchRun> onEnd) {
        this.ctx = ctx;
        this.fetch = fetch;
        this.onEnd = onEnd;
        this.limiter = new RateLimiter(fetch.options().limitRate());
    }

    long key() {
        return fetch.key();
    }

    @Override
    public void run() {
        try {
            List<RecordRow> records = ctx.store().records(fetch.key());
            downloaded.set(Snapshots.storedBytes(ctx.store(), records));
            ctx.store().setState(fetch.key(), "active", "");
            List<RecordRow> todo = records.stream().filter(r -> !r.isFinished()).toList();
            if (!todo.isEmpty()) {
                int jobs = Math.max(1, Math.min(fetch.options().jobs(), todo.size()));
                ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> {
                    Thread t = new Thread(r, "bgfetch-fetch-" + fetch.key());
                    t.setDaemon(true);
                    return t;
                });
                try {
                    List<Future<?>> futures = new ArrayList<>();
                    for (RecordRow r : todo) {
                        futures.add(pool.submit(() -> runRecord(r)));
                    }
                    for (Future<?> f : futures) {
                        f.get();
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
            end();
        } catch (Throwable t) {
            boolean diskFull = StoreException.isDiskFull(t);
            Log.error("fetch " + fetch.key() + " ('" + fetch.id() + "') failed" + (diskFull ? ": the disk is full" : " unexpectedly"), t);
            try {
                cancel.cancel();
                ctx.ending().failIncomplete(fetch.key(), diskFull ? "quota-exceeded" : "fetch-error",
                        diskFull ? "the disk is full" : "internal error: " + t);
            } catch (RuntimeException again) {
                Log.error("cannot record the failure of fetch " + fetch.key(), again);
            }
        } finally {
            long up = uploaded();
            if (up > 0) {
                ctx.store().setUploaded(fetch.key(), up);
            }
            // Leave the scheduler before waking waiters: a 'resume' right after 'pause' returns
            // must not find this run still registered.
            onEnd.accept(this);
            ended.countDown();
        }
    }

    private void runRecord(RecordRow r) {
        if (cancel.isCancelled()) {
            return;
        }
        List<Segment> plan = new ArrayList<>();
        for (SegmentRow s : ctx.store().segments(r.fetchKey(), r.idx())) {
            plan.add(new Segment(s.seg(), s.start(), s.end(), s.done()));
        }
        RecordProgress progress = new RecordProgress(this, ctx.store(), ctx.budget(), r.fetchKey(), r.idx(), plan);
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
     * Asks the run to stop; its thread does the rest once every transfer has saved its bytes.
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
        cancel.cancel();
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

    void recordWaiting(int index, String reason, Instant next) {
        waiting.put(index, reason);
        nextAttempt = next;
        ctx.changes().changed();
    }

    void recordAttempting(int index) {
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

    /** waiting when every running record is waiting to retry, else active. */
    String state() {
        return !running.isEmpty() && waiting.size() >= running.size() ? "waiting" : "active";
    }

    String waitingMessage() {
        return waiting.values().stream().findFirst().orElse("");
    }

    Instant nextAttempt() {
        return "waiting".equals(state()) ? nextAttempt : null;
    }

    /** The live segments of a record being transferred, or null when it is not running. */
    List<Segment> livePlan(int index) {
        RecordProgress p = live.get(index);
        return p == null ? null : p.plan();
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
