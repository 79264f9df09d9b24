package io.bgfetch.daemon;

import io.bgfetch.lifecycle.FetchState;
import io.bgfetch.store.FetchRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
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
 * byte count for its transfer rate (and gives the heap back when the daemon falls idle: {@link IdleTrim}).
 * Idle pool threads go away after a while.
 *
 * <p>Who moves a fetch's state: its run while one is registered here; otherwise a command, but
 * only through {@link #runningOrElse}, under this object's lock, so that no run can start
 * between the command's look and its move.
 */
final class Scheduler {
    private static final int ENDING_THREADS = 2;
    private static final long IDLE_SECONDS = 30;

    private final DaemonContext ctx;
    private final Map<Long, FetchRun> runs = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor transferThreads;
    private final ThreadPoolExecutor endingThreads;
    private final Executor endings;
    private final TransferQueue transfers;
    /** Fetches to start again once their current run has left (a resume while it was ending). */
    private final Set<Long> startAfterEnd = new HashSet<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(named("bgfetch-rate"));
    private volatile boolean stopping;

    Scheduler(DaemonContext ctx) {
        this(ctx, null);
    }

    /** With {@code endings} (tests hold a run's ending with it), or null for the daemon's own pool. */
    Scheduler(DaemonContext ctx, Executor endings) {
        this.ctx = ctx;
        int limit = ctx.settings().maxTransfers();
        // The queue bounds how many tasks run at once (2 x limit: slots, and slots lent by records
        // sleeping before a retry), so the pool need not: it reuses idle threads, makes one only
        // when none is idle, and lets idle ones go.
        this.transferThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), named("bgfetch-transfer"));
        this.endingThreads = pool(ENDING_THREADS, "bgfetch-ending");
        this.endings = endings != null ? endings : endingThreads;
        this.transfers = new TransferQueue(limit, transferThreads, true); // no thread handoff per record
        ticker.scheduleAtFixedRate(() -> runs.values().forEach(FetchRun::sampleRate), 0, 500, TimeUnit.MILLISECONDS);
        IdleTrim trim = new IdleTrim(() -> !runs.isEmpty(), IdleTrim::collectAndShrink);
        ticker.scheduleAtFixedRate(trim::tick, IdleTrim.TICK_MILLIS, IdleTrim.TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts working on a fetch unless the daemon is stopping. A fetch whose run is still
     * ending starts again once that run has left. The run itself checks, with its guarded
     * {@code START}, that the fetch is still meant to run.
     */
    synchronized void start(FetchRow fetch) {
        if (stopping) {
            return;
        }
        if (runs.containsKey(fetch.key())) {
            startAfterEnd.add(fetch.key());
            return;
        }
        FetchRun run = new FetchRun(ctx, fetch, transfers, endings, this::ended);
        // Registered before it begins: a run with nothing to do may end (and leave) at once.
        runs.put(fetch.key(), run);
        run.begin();
    }

    private synchronized void ended(FetchRun run) {
        runs.remove(run.key(), run);
        ctx.changes().changed();
        if (startAfterEnd.remove(run.key())) {
            ctx.store().find(run.key()).ifPresent(this::start);
        }
    }

    FetchRun running(long key) {
        return runs.get(key);
    }

    /**
     * The fetch's run, or null after running {@code idle}: a command's move of a fetch that no
     * run works on, made under this lock so that no run starts meanwhile.
     */
    synchronized FetchRun runningOrElse(long key, Runnable idle) {
        FetchRun run = runs.get(key);
        if (run == null) {
            idle.run();
        }
        return run;
    }

    int activeCount() {
        return runs.size();
    }

    /** On start: every fetch that was not finished or paused goes on from its stored bytes. */
    void resumeUnfinished() {
        for (FetchRow f : ctx.store().list(false)) {
            if (f.state() != FetchState.PAUSED) {
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
