package io.bgfetch.transfer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.core5.http.ClassicHttpResponse;

/**
 * Downloads one record's body to completion or final failure: the retry loop around attempts.
 *
 * <p>An attempt either starts the body fresh (a plain request; its response head is persisted
 * and the body planned as segments) or resumes every unfinished segment with
 * {@code Range} + {@code If-Range}. Any answer that does not prove the stored bytes belong to
 * the same resource restarts the body from zero: a stored body is never a splice of two versions.
 *
 * <p>Sources: the request's URL, then its mirrors. When one fails for good (a permanent failure,
 * or its retry window running out) the next takes over with a fresh window, resuming the stored
 * bytes only where it proves with {@code If-Range} that they are the same body. Re-checks: a
 * request with validators ({@code --if-changed}) first asks conditionally; a 304 keeps the stored
 * body, and once any new body starts the validators are dropped (they no longer describe it).
 */
public final class RecordDownload {
    /** Restarts in a row after which a lying or changing server is backed off from like any error. */
    private static final int FREE_RESTARTS = 2;

    private final HttpTransport http;
    private final TransferSettings settings;
    private final DownloadRequest request;
    private final TransferListener listener;
    private final RateLimiter limiter;
    private final Cancellation cancel;
    private ResponseHead head;
    /** The body's segments; a split adds one while the segments run (see {@link SegmentQueue}). */
    private List<Segment> plan;
    /** The source in use (0: the URL) and the request as sent to it. */
    private int source;
    private DownloadRequest current;
    /** The request's validators still describe the stored body; a 304 means keep it. */
    private boolean conditional;
    private boolean notModified;
    /** The sync of a body whose segments all completed, until run() knows whether it is done. */
    private BodySync unsynced;

    /**
     * @param storedHead the head persisted for this body, or null when it has not started
     * @param storedPlan its segments with their checkpointed progress, or an empty list
     */
    public RecordDownload(HttpTransport http, TransferSettings settings, DownloadRequest request,
                          ResponseHead storedHead, List<Segment> storedPlan, TransferListener listener,
                          RateLimiter limiter, Cancellation cancel) {
        this.http = http;
        this.settings = settings;
        this.request = request;
        this.listener = listener;
        this.limiter = limiter;
        this.cancel = cancel;
        // A head without a plan (the daemon died between storing the two) proves nothing about
        // the bytes on disk: start that body afresh rather than call it complete.
        boolean planned = storedHead != null && (!storedPlan.isEmpty() || storedHead.size() == 0);
        this.head = planned ? storedHead : null;
        this.plan = planned ? new CopyOnWriteArrayList<>(storedPlan) : List.of();
        this.source = request.source();
        this.current = request.atSource(source);
        this.conditional = request.conditional() && !planned;
    }

    public Outcome run() {
        // The window may have opened before the daemon last stopped: it goes on counting from then.
        RetryPolicy retry = new RetryPolicy(settings, request.retryFor(), listener.retryWindowStart(),
                listener::retryWindow);
        int restartsInARow = 0;
        int integrityRetries = request.integrityRetries();
        try (BodyFile body = BodyFile.open(settings.disk(), request.bodyFile())) {
            repairPlan(body);
            // Progress is bytes beyond the most ever held: a server that cuts every attempt short
            // after a restart would otherwise "progress" each time and be retried for ever.
            long mostHeld = progress();
            while (true) {
                if (cancel.isCancelled()) {
                    return new Outcome.Cancelled();
                }
                try {
                    listener.attempting();
                    attempt(body);
                    if (notModified) {
                        return new Outcome.NotModified();
                    }
                    long size = progress();
                    if (head.size() >= 0 && size != head.size()) {
                        throw new TransferFailure.RestartBody("the stored body has " + size
                                + " bytes where the server announced " + head.size());
                    }
                    if (request.sha256() != null && !request.sha256().equals(body.sha256(size))) {
                        if (integrityRetries >= 1) {
                            String why = "integrity mismatch: the body's SHA-256 differs from the expected one";
                            if (!nextSource(FailureKind.FETCH_ERROR, why)) {
                                return failed(FailureKind.FETCH_ERROR, 0, why);
                            }
                            integrityRetries = 0;
                            retry.progressed(); // a new source, a new window
                            restart(body, why + "; trying the next source");
                            continue;
                        }
                        integrityRetries++;
                        listener.integrityMismatch();
                        restart(body, "integrity mismatch; downloading once more");
                        continue;
                    }
                    if (unsynced != null) {
                        unsynced.finishLater(); // done now; durable soon after (see BodySync)
                        unsynced = null;
                    }
                    return new Outcome.Done(size);
                } catch (TransferFailure.RestartBody r) {
                    restart(body, r.getMessage());
                    if (++restartsInARow <= FREE_RESTARTS) {
                        continue;
                    }
                    if (!await(retry, r.getMessage(), null)) {
                        if (cancel.isCancelled()) {
                            return new Outcome.Cancelled();
                        }
                        if (!nextSource(FailureKind.FETCH_ERROR, r.getMessage())) {
                            return failed(FailureKind.FETCH_ERROR, 0, r.getMessage());
                        }
                        retry.progressed(); // a new source, a new window
                        restartsInARow = 0;
                    }
                } catch (TransferFailure.Transient t) {
                    if (progress() > mostHeld) {
                        mostHeld = progress();
                        retry.progressed();
                        restartsInARow = 0;
                    }
                    if (!await(retry, t.getMessage(), t.retryAfter())) {
                        // A pause or stop during the wait is not the end of the retry window.
                        if (cancel.isCancelled()) {
                            return new Outcome.Cancelled();
                        }
                        if (!nextSource(t.kindWhenExhausted(), t.getMessage())) {
                            return failed(t.kindWhenExhausted(), t.httpStatus(), t.getMessage());
                        }
                        retry.progressed(); // a new source, a new window
                        restartsInARow = 0;
                    }
                } catch (TransferFailure.Permanent p) {
                    if (!nextSource(p.kind(), p.getMessage())) {
                        return failed(p.kind(), p.httpStatus(), p.getMessage());
                    }
                    retry.progressed(); // a new source, a new window
                    restartsInARow = 0;
                } catch (TransferFailure cancelled) {
                    return new Outcome.Cancelled();
                } finally {
                    // Not done after all (a failure, a stop): the sync runs before the run returns.
                    settleQuietly();
                }
            }
        } catch (TransferFailure.Permanent p) {
            // opening the body file, repairing its plan, or restarting it failed locally
            return new Outcome.Failed(p.kind(), p.httpStatus(), p.getMessage());
        }
    }

    /**
     * The source in use failed for good: the next one takes over (true), unless there is none,
     * the fetch is stopping, or the failure is local (a full disk fails on every source).
     */
    private boolean nextSource(FailureKind kind, String why) {
        if (kind == FailureKind.QUOTA || cancel.isCancelled() || source + 1 >= request.sourceCount()) {
            return false;
        }
        source++;
        current = request.atSource(source);
        listener.sourceChanged(source, current.url(), why);
        return true;
    }

    /** The record's final failure; with mirrors, the message says it is the last source's. */
    private Outcome failed(FailureKind kind, int status, String message) {
        int n = request.sourceCount();
        return new Outcome.Failed(kind, status, n > 1 ? message + " (the last of " + n + " sources)" : message);
    }

    /** Waits out a retry delay; false when the retry window is used up or the fetch was stopped (check which). */
    private boolean await(RetryPolicy retry, String reason, Duration retryAfter) {
        Optional<Duration> delay = retry.nextDelay(retryAfter);
        if (delay.isEmpty()) {
            return false;
        }
        listener.waiting(reason, Instant.now().plus(delay.get()));
        return cancel.sleep(delay.get());
    }

    private void attempt(BodyFile body) throws TransferFailure {
        if (head == null || !request.resumable()) {
            fresh(body);
        } else {
            List<Segment> open = plan.stream().filter(s -> !s.isComplete()).toList();
            runSegments(body, open, null);
        }
    }

    /** Starts the body from zero with a plain request, then fills the plan's segments. */
    private void fresh(BodyFile body) throws TransferFailure {
        Cancellation attempt = cancel.child();
        HttpTransport.Validators validators = conditional
                ? new HttpTransport.Validators(request.ifNoneMatch(), request.ifModifiedSince()) : null;
        OpenExchange exchange = http.open(current, null, null, validators, listener::uploaded, attempt);
        try {
            ClassicHttpResponse response = exchange.response();
            if (conditional && response.getCode() == 304) {
                notModified = true; // no body: the stored one is current
                return;
            }
            if (response.getCode() < 200 || response.getCode() > 299) {
                exchange.cancel();
                listener.errorResponse(HttpTransport.headOf(response));
                throw HttpTransport.statusFailure(response);
            }
            if (response.getCode() == 206) {
                // A part of something, asked for nothing in particular: never a complete body.
                exchange.cancel();
                throw new TransferFailure.Transient("the server answered 206 (a part of the body) to a request"
                        + " for the whole body", 0, null, null);
            }
            ResponseHead h = HttpTransport.headOf(response);
            if ("HEAD".equals(request.method())) {
                h = new ResponseHead(h.status(), h.statusText(), h.headers(), 0, h.etag(), h.lastModified(), false);
            }
            conditional = false; // from here on the stored body is being replaced
            // Emptied durably before the new body is described (planned, below, is a forced
            // commit), and both before its first byte: after a power cut the store never
            // describes one version over bytes of another. With no earlier body described,
            // there is no other version to confuse this one with (see describesEarlierBody).
            body.truncate();
            if (listener.describesEarlierBody()) {
                body.force();
            }
            try {
                listener.headReceived(h);
            } catch (TransferFailure.Permanent refused) {
                exchange.cancel();
                throw refused;
            }
            head = h;
            boolean splittable = splittable(h);
            plan = new CopyOnWriteArrayList<>(RangePlan.plan(h.size(), request.connections(), splittable, blockBytes()));
            listener.planned(List.copyOf(plan));
            if (plan.isEmpty()) {
                return;
            }
            runSegments(body, plan, exchange);
        } finally {
            exchange.close();
            cancel.release(attempt);
        }
    }

    /**
     * Fills {@code segments} in parallel, over as many connections as they keep busy (at most the
     * request's), each taking the next segment or splitting one ({@link SegmentQueue}). The first
     * segment may continue an already open response ({@code openExchange}, or null); the others
     * resume with ranges. The first failure stops the siblings, and the most telling failure is
     * rethrown.
     */
    private void runSegments(BodyFile body, List<Segment> segments, OpenExchange openExchange) throws TransferFailure {
        Cancellation group = cancel.child();
        if (openExchange != null) {
            group.track(openExchange);
        }
        BodySync sync = new BodySync(body, listener, settings);
        SegmentQueue queue = new SegmentQueue(segments, splittable(head), RangePlan.MIN_SEGMENT_BYTES, nextIndex(),
                this::split, group, System::nanoTime);
        SegmentFetcher fetcher = new SegmentFetcher(http, settings, current, head, body, listener, limiter, group, sync,
                queue::answered);
        Segment continuesOpen = openExchange == null ? null : segments.get(0);
        AtomicReference<TransferFailure> failure = new AtomicReference<>();
        Runnable work = () -> {
            try {
                for (Segment segment = queue.next(); segment != null; segment = queue.next()) {
                    if (segment == continuesOpen) {
                        fetcher.stream(openExchange, segment);
                    } else {
                        fetcher.resume(segment);
                    }
                }
            } catch (TransferFailure e) {
                failure.accumulateAndGet(e, RecordDownload::moreTelling);
                group.cancel();
            } catch (RuntimeException e) {
                failure.accumulateAndGet(new TransferFailure.Permanent(FailureKind.FETCH_ERROR,
                        "internal error: " + e, 0, e), RecordDownload::moreTelling);
                group.cancel();
            }
        };
        List<Thread> threads = new ArrayList<>();
        try {
            int connections = queue.connections(request.connections());
            if (connections <= 1) {
                work.run();
            } else {
                for (int i = 0; i < connections; i++) {
                    Thread t = new Thread(work, "bgfetch-connection-" + i);
                    t.setDaemon(true);
                    threads.add(t);
                    t.start();
                }
            }
            for (Thread t : threads) {
                joinUninterruptibly(t);
            }
        } finally {
            cancel.release(group);
            // the plan, not the segments passed in: it holds those that splits added
            boolean complete = failure.get() == null && !cancel.isCancelled()
                    && plan.stream().allMatch(Segment::isComplete);
            if (complete) {
                unsynced = sync; // run() decides: late if the record is done, now if it goes on
            } else {
                // Whatever stopped the segments, what they wrote is made durable before anyone
                // is told: a stopped body resumes from here.
                try {
                    sync.finish();
                } catch (TransferFailure.Permanent e) {
                    failure.accumulateAndGet(e, RecordDownload::moreTelling);
                }
            }
        }
        cancel.throwIfCancelled();
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /**
     * Whether a segment of this body may be split: the same test as for planning it in parallel,
     * with a known length (an open-ended segment has no second half to give away).
     */
    private boolean splittable(ResponseHead h) {
        return request.resumable() && h.acceptsRanges() && h.ifRangeValidator() != null && h.size() > 0;
    }

    /** Above every index of the plan (the complete segments' too): a split's new segment. */
    private int nextIndex() {
        int max = -1;
        for (Segment s : plan) {
            max = Math.max(max, s.index());
        }
        return max + 1;
    }

    /**
     * A segment gave part of its range to a new one: the plan holds it before the store is told
     * (whatever the store says, this attempt and the next ones fill it), and the store learns of
     * it before any of its progress.
     */
    private void split(Segment from, Segment added) throws TransferFailure.Permanent {
        plan.add(added);
        listener.split(from, added);
    }

    /**
     * A complete body that is not done after all (its size or digest is wrong, or the run stops
     * before it returns): its sync runs now, before the body changes, so that no mark of the old
     * plan can land on a new one.
     */
    private void settleUnsynced() throws TransferFailure.Permanent {
        if (unsynced != null) {
            BodySync sync = unsynced;
            unsynced = null;
            sync.finish();
        }
    }

    private void settleQuietly() {
        try {
            settleUnsynced();
        } catch (TransferFailure.Permanent ignored) {
            // the bytes stay recorded, not durable: checked by their checksums when they resume
        }
    }

    /**
     * Waits until the bodies of done records are all fsynced (a clean stop), at most {@code
     * timeout}; false if some are not.
     */
    public static boolean awaitLateSyncs(Duration timeout) {
        return BodySync.awaitLate(timeout);
    }

    /** Which of two failures to report: final ones first, then restarts, then transient ones. */
    private static TransferFailure moreTelling(TransferFailure a, TransferFailure b) {
        if (a == null) {
            return b;
        }
        return rank(b) > rank(a) ? b : a;
    }

    private static int rank(TransferFailure f) {
        if (f instanceof TransferFailure.Permanent) {
            return 3;
        }
        if (f instanceof TransferFailure.RestartBody) {
            return 2;
        }
        return f instanceof TransferFailure.Transient ? 1 : 0;
    }

    private void restart(BodyFile body, String reason) throws TransferFailure.Permanent {
        settleUnsynced();
        conditional = false;
        body.truncate();
        head = null;
        plan = List.of();
        listener.restarted(reason);
    }

    /**
     * Never trusts a stored plan blindly. A segment cannot claim bytes beyond the end of the file
     * (a lost write, a file deleted by hand), and bytes recorded beyond its durable mark (an
     * unclean stop came before their fsync) are kept only block by block while the file matches
     * their checksums: from the first block that does not, the segment is fetched again.
     */
    private void repairPlan(BodyFile body) throws TransferFailure.Permanent {
        if (plan.isEmpty()) {
            return;
        }
        long fileSize = body.size();
        for (Segment s : plan) {
            long trusted = StoredBytes.trusted(body, s, fileSize);
            if (trusted != s.written()) {
                listener.cutBack(s, trusted);
                s.cutBack(trusted);
            }
        }
    }

    /** The block size new plans are checksummed in. */
    private int blockBytes() {
        return (int) Math.min(Integer.MAX_VALUE, settings.checkpointBytes());
    }

    private long progress() {
        long sum = 0;
        for (Segment s : plan) {
            sum += s.written();
        }
        return sum;
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
