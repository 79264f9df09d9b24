package io.bgfetch.daemon;

import java.util.function.BooleanSupplier;

/**
 * Gives the heap back once the daemon has nothing left to do. Transfers grow the heap (the
 * serial collector expands it under churn) and no young collection shrinks it again: only a full
 * collection does, and an idle daemon makes none by itself. So when the daemon has been idle for
 * a little while after being busy, this runs one full collection; with the daemon's heap options
 * ({@code -XX:MaxHeapFreeRatio}, {@code -XX:-ShrinkHeapInSteps}, see the client's DaemonJvm)
 * that returns the unused heap to the system at once. One collection per busy spell: a daemon
 * that stays idle collects nothing more, and one that stays busy never pauses for this.
 */
final class IdleTrim {
    /** The ticker's period, in milliseconds. */
    static final long TICK_MILLIS = 500;
    /** How many ticks in a row the daemon must be idle (a second): a fetch that follows another at once does not pay. */
    static final int QUIET_TICKS = 2;

    private final BooleanSupplier busy;
    private final Runnable collect;
    private boolean worked;
    private int quiet;

    /**
     * @param busy    whether any fetch is running now
     * @param collect the full collection ({@code System::gc}; tests count calls)
     */
    IdleTrim(BooleanSupplier busy, Runnable collect) {
        this.busy = busy;
        this.collect = collect;
    }

    /** Called every {@link #TICK_MILLIS} by one thread (the scheduler's ticker). */
    void tick() {
        if (busy.getAsBoolean()) {
            worked = true;
            quiet = 0;
            return;
        }
        if (worked && ++quiet >= QUIET_TICKS) {
            worked = false;
            quiet = 0;
            collect.run();
        }
    }
}
