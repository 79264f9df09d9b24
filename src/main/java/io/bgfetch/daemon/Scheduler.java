package io.bgfetch.daemon;

import io.bgfetch.store.FetchRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops {@link FetchRun}s: one thread per fetch being worked on, at most one run per
 * fetch. A ticker samples every run's byte count for its transfer rate.
 */
final class Scheduler {
    private final DaemonContext ctx;
    private final Map<Long, FetchRun> runs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bgfetch-rate");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;

    Scheduler(DaemonContext ctx) {
        this.ctx = ctx;
        ticker.scheduleAtFixedRate(() -> runs.values().forEach(FetchRun::sampleRate), 0, 500, TimeUnit.MILLISECONDS);
    }

    /** Starts working on a fetch unless it is already running or the daemon is stopping. */
    synchronized void start(FetchRow fetch) {
        if (stopping || runs.containsKey(fetch.key())) {
            return;
        }
        FetchRun run = new FetchRun(ctx, fetch, ended -> {
            runs.remove(ended.key(), ended);
            ctx.changes().changed();
        });
        runs.put(fetch.key(), run);
        Thread t = new Thread(run, "bgfetch-run-" + fetch.key());
        t.setDaemon(true);
        t.start();
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
        all.forEach(r -> r.stop(StopReason.SHUTDOWN, "the daemon is stopping"));
        long deadline = System.nanoTime() + timeout.toNanos();
        for (FetchRun r : all) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !r.awaitEnd(Duration.ofNanos(left))) {
                Log.info("fetch " + r.key() + " did not stop in time; it resumes from its last checkpoint");
            }
        }
        ticker.shutdownNow();
    }
}
