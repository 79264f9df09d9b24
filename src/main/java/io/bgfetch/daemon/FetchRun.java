package io.bgfetch.daemon;

import io.bgfetch.lifecycle.FailureReason;
import io.bgfetch.lifecycle.Transitions.FetchMove;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.RecordRow;
import io.bgfetch.store.StoreException;
import io.bgfetch.transfer.Cancellation;
import io.bgfetch.transfer.RateLimiter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One fetch being worked on: queues its unfinished records in its lane of the daemon's
 * {@link TransferQueue} (which runs at most {@code --jobs} of them at once), and when they have
 * all ended (or the fetch was told to stop) hands the ending to {@link FetchEnding}.
 * It has no thread of its own: it is driven by its records ending, and its ending runs on the
 * scheduler's small endings executor. Its records' live state is its {@link LiveRecords}.
 *
 * <p>While a run is registered with the {@link Scheduler}, only the run moves its fetch's stored
 * state: it begins with the guarded {@code START} (a fetch paused or aborted meanwhile does not
 * run) and ends with one ending, decided once under its lock: its records' own conclusion, or
 * the stop that came first (an abort overrides any other). The ending waits until no record is
 * queued or running: a record that fails or throws cancels its siblings, and nothing is cleaned
 * up before every one of them has returned.
 */
final class FetchRun {
    private final DaemonContext ctx;
    private final FetchRow fetch;
    private final TransferQueue.Lane lane;
    private final Executor endings;
    private final Consumer<FetchRun> onEnd;
    private final Cancellation cancel = new Cancellation();
    private final RecordTask records;
    private final AtomicReference<RecordTask.Failure> firstFailure = new AtomicReference<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    /** The records with stored transfer state (a plan, a retry window) when the run began. */
    private volatile Set<Integer> withState = Set.of();
    /** The records' live view; null until the run began (and for a run that may not start). */
    private volatile LiveRecords live;
    // The run's life, guarded by this: records queued or running, and how it ends.
    private boolean begun;
    private boolean started;
    private int outstanding;
    private boolean endScheduled;
    private boolean concluding;
    private Throwable fatal;
    private StopReason stopReason;
    private String stopMessage = "";
    // How it ended, set once by the ending before ended counts down.
    private volatile StopReason endedBy;
    private volatile boolean endStored;

    FetchRun(DaemonContext ctx, FetchRow fetch, TransferQueue transfers, Executor endings, Consumer<FetchRun> onEnd) {
        this.ctx = ctx;
        this.fetch = fetch;
        this.lane = transfers.lane(fetch.options().jobs());
        this.endings = endings;
        this.onEnd = onEnd;
        this.records = new RecordTask(ctx, fetch, new RateLimiter(fetch.options().limitRate()), cancel);
    }

    long key() {
        return fetch.key();
    }

    /**
     * Moves the fetch to active and queues every unfinished record, then returns; the fetch
     * moves on as its records end. A fetch that may not start (paused, aborted or gone since the
     * run was asked for) or a run told to stop first queues nothing and ends at once.
     */
    void begin() {
        List<RecordRow> todo = List.of();
        boolean mayRun = false;
        Throwable failure = null;
        try {
            mayRun = ctx.store().states().move(fetch.key(), FetchMove.START);
            if (mayRun) {
                List<RecordRow> rows = ctx.store().records(fetch.key());
                // one query for every record's stored bytes (a fetch may have 10,000 records)
                Map<Integer, Long> stored = new HashMap<>();
                ctx.store().tallies(fetch.key()).forEach(t -> stored.put(t.idx(), t.bytesStored()));
                // only this run's own transfer of a record adds any: known once for all of them
                withState = ctx.store().withTransferState(fetch.key());
                live = new LiveRecords(rows, r -> stored.getOrDefault(r.idx(), 0L), lane::queued, this::checkTotal);
                todo = rows.stream().filter(r -> !r.isFinished()).toList();
            } else {
                Log.info("fetch " + fetch.key() + " is not to run (paused or ended meanwhile)");
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        synchronized (this) {
            begun = true;
            started = mayRun;
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
        try {
            if (cancel.isCancelled()) {
                return;
            }
            RecordTask.Failure failure = records.run(r, live.view(r.idx()), slot, withState.contains(r.idx()));
            if (failure != null) {
                firstFailure.compareAndSet(null, failure);
                if (failure.reason() == FailureReason.QUOTA_EXCEEDED) {
                    stop(StopReason.QUOTA_EXCEEDED, failure.message());
                }
            }
        } catch (Throwable t) {
            // The fetch cannot go on: stop its other records. The ending, which records the
            // failure and deletes incomplete bodies, waits until every one of them has returned.
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
            boolean mayEnd;
            synchronized (this) {
                t = fatal;
                mayEnd = started;
            }
            if (t != null) {
                failed(t);
            } else if (mayEnd) {
                end();
            }
        } catch (Throwable t) {
            failed(t);
        } finally {
            saveUploaded();
            // Leave the scheduler before waking waiters: a 'resume' right after 'pause' returns
            // must not find this run still registered.
            onEnd.accept(this);
            ended.countDown();
        }
    }

    /** Stores the one ending decided: the records' conclusion, or the stop that won. */
    private void end() {
        StopReason reason;
        String message;
        synchronized (this) {
            concluding = true;
            reason = stopReason;
            message = stopMessage;
        }
        FetchEnding ending = ctx.ending();
        boolean stored;
        if (reason == null) {
            stored = ending.conclude(fetch.key(), firstFailure.get());
        } else {
            stored = switch (reason) {
                case PAUSE -> ctx.store().states().move(fetch.key(), FetchMove.PAUSE);
                case SHUTDOWN -> true; // nothing to store: the fetch resumes on the next start
                case ABORT -> ending.discard(fetch.key(), FetchMove.END, reason.failure(), "aborted by the user");
                case DOWNLOAD_TOTAL_EXCEEDED -> ending.discard(fetch.key(), FetchMove.END, reason.failure(), message);
                case QUOTA_EXCEEDED -> ending.failIncomplete(fetch.key(), reason.failure(), message);
            };
            Log.info("fetch " + fetch.key() + " stopped: " + reason + (stored ? "" : " (but it had ended otherwise)"));
        }
        endedBy = reason;
        endStored = stored;
        ctx.changes().changed();
    }

    private void failed(Throwable t) {
        boolean diskFull = StoreException.isDiskFull(t);
        Log.error("fetch " + fetch.key() + " ('" + fetch.id() + "') failed" + (diskFull ? ": the disk is full" : " unexpectedly"), t);
        try {
            cancel.cancel();
            ctx.ending().failIncomplete(fetch.key(), diskFull ? FailureReason.QUOTA_EXCEEDED : FailureReason.FETCH_ERROR,
                    diskFull ? "the disk is full" : "internal error: " + t);
        } catch (RuntimeException again) {
            Log.error("cannot record the failure of fetch " + fetch.key(), again);
        }
    }

    private void saveUploaded() {
        LiveRecords view = live;
        long up = view == null ? 0 : view.uploaded();
        if (up > 0) {
            try {
                ctx.store().setUploaded(fetch.key(), up);
            } catch (RuntimeException e) {
                Log.error("cannot record the upload count of fetch " + fetch.key(), e);
            }
        }
    }

    /**
     * Asks the run to stop: records still queued are taken back at once, running ones are
     * cancelled, and the ending follows once every transfer has saved its bytes. An abort
     * overrides an earlier stop of another kind; nothing else overrides an earlier stop.
     *
     * @return true when this request now decides how the run ends (until an abort overrides
     *         it); false when the fetch is already ending otherwise: its records finished, it
     *         failed, or an earlier stop stands
     */
    boolean stop(StopReason reason, String message) {
        synchronized (this) {
            if (concluding || fatal != null) {
                return false;
            }
            if (stopReason != null && (reason != StopReason.ABORT || stopReason == StopReason.ABORT)) {
                return false;
            }
            stopReason = reason;
            stopMessage = message;
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

    /** Whether the run has ended, by {@code reason}, and stored that ending. */
    boolean endedBy(StopReason reason) {
        return ended.getCount() == 0 && endStored && endedBy == reason;
    }

    /** The records' live view, or null before the run began or when it may not run. */
    LiveRecords live() {
        return live;
    }

    void sampleRate() {
        LiveRecords view = live;
        if (view != null) {
            view.sampleRate();
        }
    }

    /** Told the fetch's byte count as it grows: beyond --download-total the fetch stops. */
    private void checkTotal(long downloaded) {
        long total = fetch.downloadTotal();
        if (total > 0 && downloaded > total) {
            stop(StopReason.DOWNLOAD_TOTAL_EXCEEDED, "more than the expected " + total + " bytes arrived (--download-total)");
        }
    }
}
