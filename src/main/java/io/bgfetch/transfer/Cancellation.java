package io.bgfetch.transfer;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.core5.concurrent.Cancellable;

/**
 * Stops a fetch's transfers promptly: cancelling aborts every in-flight HTTP exchange (which
 * unblocks the threads reading them) and wakes every retry wait. A child cancellation (one
 * body's parallel connections) is cancelled with its parent, or alone when a sibling fails.
 */
public final class Cancellation {
    private final Cancellation parent;
    private final Set<Cancellable> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<Cancellation> children = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    public Cancellation() {
        this(null);
    }

    private Cancellation(Cancellation parent) {
        this.parent = parent;
    }

    public Cancellation child() {
        Cancellation child = new Cancellation(this);
        children.add(child);
        if (cancelled) {
            child.cancel();
        }
        return child;
    }

    /** Detaches a finished child so the parent does not keep it. */
    public void release(Cancellation child) {
        children.remove(child);
    }

    public boolean isCancelled() {
        return cancelled || (parent != null && parent.isCancelled());
    }

    public void cancel() {
        synchronized (this) {
            cancelled = true;
            notifyAll();
        }
        for (Cancellable c : inFlight) {
            c.cancel();
        }
        for (Cancellation child : children) {
            child.cancel();
        }
    }

    /** Tracks an exchange until {@link #untrack}; cancels it at once if already cancelled. */
    public void track(Cancellable exchange) {
        inFlight.add(exchange);
        if (isCancelled()) {
            exchange.cancel();
        }
    }

    public void untrack(Cancellable exchange) {
        inFlight.remove(exchange);
    }

    public void throwIfCancelled() throws TransferFailure.Cancelled {
        if (isCancelled()) {
            throw new TransferFailure.Cancelled();
        }
    }

    /** Sleeps for {@code delay} unless cancelled first; returns false when cancelled. */
    public boolean sleep(Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        synchronized (this) {
            while (!isCancelled()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    // Wake at least every 100 ms: a parent's cancel notifies the parent, not us.
                    wait(Math.max(1, Math.min(100, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }
}
