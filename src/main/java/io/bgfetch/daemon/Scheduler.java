package io.bgfetch.daemon;

import io.bgfetch.store.FetchRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts and stops {@link FetchRun}s, at most one per fetch, and owns the daemon's few threads
 * for them: however many fetches are registered, records run on one pool of at most twice
 * {@code BGFETCH_MAX_TRANSFERS} threads (shared fairly by the {@link TransferQueue}), fetch endings
 * (placing files, hooks) on a pool of {@value #ENDING_THREADS}, and a ticker samples every run's
 * byte count for its transfer rate. Idle pool threads go away after a while.
 */
final class Scheduler {
    private static final int ENDING_THREADS = 2;
    private static final long IDLE_SECONDS = 30;

    private final DaemonContext ctx;
    private final Map<Long, FetchRun> runs = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor transferThreads;
    private final ThreadPoolExecutor endingThreads;
    private final TransferQueue transfers;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(named("bgfetch-rate"));
    private volatile boolean stopping;

    Scheduler(DaemonContext ctx) {
        this.ctx = ctx;
        int limit = ctx.settings().maxTransfers();
        // The queue bounds how many tasks run at once (2 x limit: slots, and slots lent by records
        // sleeping before a retry), so the pool need not: it reuses idle threads, makes one only
        // when none is idle, and lets idle ones go.
        this.transferThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), named("bgfetch-transfer"));
        this.endingThreads = pool(ENDING_THREADS, "bgfetch-ending");
        this.transfers = new TransferQueue(limit, transferThreads);
        ticker.scheduleAtFixedRate(() -> runs.values().forEach(FetchRun::sampleRate), 0, 500, TimeUnit.MILLISECONDS);
    }

    /** Starts working on a fetch unless it is already running or the daemon is stopping. */
    synchronized void start(FetchRow fetch) {
        if (stopping || runs.containsKey(fetch.key())) {
            return;
        }
        FetchRun run = new FetchRun(ctx, fetch, transfers, endingThreads, ended -> {
            runs.remove(ended.key(), ended);
            ctx.changes().changed();
        });
        // Registered before it begins: a run with nothing to do may end (and leave) at once.
        runs.put(fetch.key(), run);
        run.begin();
    }

    FetchRun running(long key) {
        return runs.get(key);
    }

    int activeCount() {
        return runs.size();
    }

    /** On start: every fetch that was not finished or paused goes on from its stored bytes. */
    void resumeUnfinished() {
        for (FetchRow f : ctx.store().list(false)) {
            if (!"paused".equals(f.state())) {
                Log.info("resuming fetch " + f.key() + " ('" + f.id() + "')");
                start(f);
            }
        }
    }

    /** Graceful stop: every run saves its bytes and ends; waits at most {@code timeout} in all. */
    void stopAll(Duration timeout) {
        List<FetchRun> all;
        synchronized (this) {
            stopping = true;
            all = new ArrayList<>(runs.values());
        }
        // Queued records are taken back at once; only running transfers take time to save.
        transfers.shutDown();
        all.forEach(r -> r.stop(StopReason.SHUTDOWN, "the daemon is stopping"));
        long deadline = System.nanoTime() + timeout.toNanos();
        for (FetchRun r : all) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !r.awaitEnd(Duration.ofNanos(left))) {
                Log.info("fetch " + r.key() + " did not stop in time; it resumes from its last checkpoint");
            }
        }
        ticker.shutdownNow();
        transferThreads.shutdownNow();
        endingThreads.shutdown();
    }

    private static ThreadPoolExecutor pool(int threads, String name) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), named(name));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
