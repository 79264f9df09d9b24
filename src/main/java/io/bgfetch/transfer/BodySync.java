package io.bgfetch.transfer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Makes a body's recorded bytes durable without stalling its connections: the segments record
 * their progress (with block checksums) as they go, and every {@link TransferSettings#syncInterval}
 * or {@link TransferSettings#syncBytes} of the body, a background thread fsyncs the file and
 * then marks what was recorded before the fsync as durable, with a forced commit. That cadence
 * bounds what a power loss costs; the checksums bound what a killed daemon costs. At most one
 * sync is in flight; {@link #finish} waits for it, then syncs what is left.
 *
 * <p>A complete body is not fsynced before its record is done: {@link #finishLater} leaves that
 * to a background thread, so a transfer ends when its last byte is written, as curl's does, and
 * the disk catches up while the next one runs. Until the late sync has marked them durable, the
 * bytes are "recorded, not durable", with a checksum per block, like any bytes between two syncs:
 * a daemon that starts after an unclean stop checks them (and downloads again what a power cut
 * lost) before anything trusts them. A clean stop waits for the late syncs ({@link #awaitLate}).
 */
final class BodySync {
    /**
     * The cadence syncs of all bodies, four at a time, oldest first (a body has at most one
     * queued or running). A pool that grew with the syncs due at once gave 100 transfers started
     * together 61 extra threads five seconds later, kept for a minute.
     */
    private static final ThreadPoolExecutor SYNCERS = cadenceSyncer();
    /**
     * Syncs of complete bodies, oldest first, four at a time: overlapping fsyncs keep the disk's
     * queue busy and share its cache flushes (measured here: 0.8 ms a small body with four
     * threads, 3.9 ms with one). The queue is bounded (each entry holds an open file): when it is full, the finishing
     * transfer syncs its own body, which slows the transfers down to what the disk can make durable.
     */
    private static final ThreadPoolExecutor LATE = lateSyncer();
    /**
     * A late sync waits this long after its body is done: the fetch's own ending (a few small
     * forced commits, a directory's fsync) goes first instead of queueing behind the writeback of
     * the whole body (measured: 135 ms between the last byte of a 512 MiB fetch and its ending).
     */
    private static final long LATE_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final Object LATE_LOCK = new Object();
    private static int latePending;

    private final BodyFile body;
    private final TransferListener listener;
    private final long intervalNanos;
    private final long budgetBytes;
    /** Per segment, the progress recorded last (what a sync may mark durable). */
    private final Map<Segment, Long> recorded = new LinkedHashMap<>();
    private long bytesSinceSync;
    private long lastSync = System.nanoTime();
    private Future<?> inFlight;
    private volatile TransferFailure.Permanent failure;

    BodySync(BodyFile body, TransferListener listener, TransferSettings settings) {
        this.body = body;
        this.listener = listener;
        this.intervalNanos = settings.syncInterval().toNanos();
        this.budgetBytes = settings.syncBytes();
    }

    /**
     * The segment's progress up to {@code written} was recorded ({@code added} bytes more than
     * before): starts a background sync when one is due and none is running.
     */
    synchronized void recorded(Segment segment, long written, long added) throws TransferFailure.Permanent {
        rethrow();
        recorded.put(segment, written);
        bytesSinceSync += added;
        // A segment's last record starts no sync: a body that is complete is synced after it is
        // done (finishLater), and one started now would hold the disk while the fetch ends.
        boolean due = !segment.isComplete()
                && (bytesSinceSync >= budgetBytes || System.nanoTime() - lastSync >= intervalNanos);
        if (due && (inFlight == null || inFlight.isDone())) {
            Marks marks = pending();
            bytesSinceSync = 0;
            lastSync = System.nanoTime();
            if (marks != null) {
                inFlight = SYNCERS.submit(() -> {
                    try {
                        sync(marks, true);
                    } catch (TransferFailure.Permanent e) {
                        failure = e;
                    } catch (RuntimeException e) {
                        failure = new TransferFailure.Permanent(FailureKind.FETCH_ERROR,
                                "cannot record durable progress: " + e.getMessage(), 0, e);
                    }
                });
            }
        }
    }

    /**
     * After the segments stopped (for any reason): waits for the sync in flight, then fsyncs
     * and marks whatever was recorded since. The mark is not forced; the next forced commit
     * (at the latest the fetch's result) carries it.
     */
    void finish() throws TransferFailure.Permanent {
        Future<?> running;
        synchronized (this) {
            running = inFlight;
        }
        if (running != null) {
            awaitUninterruptibly(running);
        }
        rethrow();
        Marks marks;
        synchronized (this) {
            marks = pending();
        }
        if (marks != null) {
            sync(marks, false);
        }
    }

    /**
     * The body is complete and its record about to be done: waits for nothing. A background
     * thread waits for the sync in flight, fsyncs the body and marks it durable (an unforced
     * commit), then closes its hold on the file. A failure there is not reported: the bytes stay
     * marked not durable, and the next start after an unclean stop checks them.
     */
    void finishLater() {
        long due = System.nanoTime() + LATE_DELAY_NANOS;
        Runnable late = () -> {
            try {
                if (Thread.currentThread() instanceof LateSyncThread) {
                    sleepUntil(due); // a transfer that syncs its own body (the queue was full) does not wait
                }
                finish();
            } catch (TransferFailure.Permanent | RuntimeException ignored) {
                // not durable is not wrong: the checksums decide after an unclean stop
            } finally {
                body.close();
                lateDone();
            }
        };
        body.retain();
        synchronized (LATE_LOCK) {
            latePending++;
        }
        LATE.execute(late); // or, with the queue full, right here
    }

    /** Waits until every late sync has run (a clean stop), at most {@code timeout}; false if some have not. */
    static boolean awaitLate(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (LATE_LOCK) {
            while (latePending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(LATE_LOCK, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    private static void sleepUntil(long due) {
        long left;
        while ((left = due - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // a stop: sync now
            }
        }
    }

    private static void lateDone() {
        synchronized (LATE_LOCK) {
            latePending--;
            LATE_LOCK.notifyAll();
        }
    }

    private static ThreadPoolExecutor cadenceSyncer() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "bgfetch-fsync");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true); // an idle daemon keeps no thread for them
        return pool;
    }

    private static ThreadPoolExecutor lateSyncer() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 10, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024),
                LateSyncThread::new, new ThreadPoolExecutor.CallerRunsPolicy());
        pool.allowCoreThreadTimeOut(true); // an idle daemon keeps no thread for them
        return pool;
    }

    /** What is recorded and not yet durable, or null. Caller holds the lock. */
    private Marks pending() {
        List<Segment> segments = new ArrayList<>();
        List<Long> bytes = new ArrayList<>();
        for (Map.Entry<Segment, Long> e : recorded.entrySet()) {
            if (e.getValue() > e.getKey().durable()) {
                segments.add(e.getKey());
                bytes.add(e.getValue());
            }
        }
        return segments.isEmpty() ? null : new Marks(segments, bytes);
    }

    /** fsync covers at least everything written when the marks were taken, so the marks are true. */
    private void sync(Marks marks, boolean force) throws TransferFailure.Permanent {
        body.force();
        int[] indexes = new int[marks.segments.size()];
        long[] bytes = new long[indexes.length];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = marks.segments.get(i).index();
            bytes[i] = marks.bytes.get(i);
        }
        listener.durable(indexes, bytes, force);
        for (int i = 0; i < indexes.length; i++) {
            marks.segments.get(i).markDurable(bytes[i]);
        }
    }

    private void rethrow() throws TransferFailure.Permanent {
        if (failure != null) {
            throw failure;
        }
    }

    private static void awaitUninterruptibly(Future<?> f) {
        boolean interrupted = false;
        while (true) {
            try {
                f.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                break; // the task stores its own failure
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private record Marks(List<Segment> segments, List<Long> bytes) {
    }

    /** A thread of the late syncs (a task may also run on the transfer that submitted it). */
    private static final class LateSyncThread extends Thread {
        LateSyncThread(Runnable r) {
            super(r, "bgfetch-late-fsync");
            setDaemon(true);
        }
    }
}
