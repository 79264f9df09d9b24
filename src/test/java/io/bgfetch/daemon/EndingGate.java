package io.bgfetch.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler's endings executor for tests: while {@linkplain #hold held}, a run whose records
 * have all returned waits here before its ending (placing, storing the result, hooks) starts. A
 * race with a fetch's own finish is then played in the order the test chooses.
 */
final class EndingGate implements Executor, AutoCloseable {
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-ending");
        t.setDaemon(true);
        return t;
    });
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;

    synchronized void hold() {
        holding = true;
    }

    /** Starts the endings held so far, and every later one at once. */
    void release() {
        List<Runnable> go;
        synchronized (this) {
            holding = false;
            go = new ArrayList<>(held);
            held.clear();
        }
        go.forEach(pool::execute);
    }

    @Override
    public void execute(Runnable ending) {
        synchronized (this) {
            if (holding) {
                held.add(ending);
                notifyAll();
                return;
            }
        }
        pool.execute(ending);
    }

    /** Waits until {@code n} endings are held; false on timeout. */
    synchronized boolean awaitHeld(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (held.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    @Override
    public void close() {
        release();
        pool.shutdown();
    }
}
