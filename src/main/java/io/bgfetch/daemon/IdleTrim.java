package io.bgfetch.daemon;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.BooleanSupplier;

/**
 * Gives the heap back once the daemon has nothing left to do. Transfers grow the heap (the
 * serial collector expands it under churn) and no young collection shrinks it again: only a full
 * collection does, and an idle daemon makes none by itself. So when the daemon has been idle for
 * a little while after being busy, this runs one full collection that leaves at most 10% of the
 * heap free ({@link #collectAndShrink}; with {@code -XX:-ShrinkHeapInSteps}, see the client's
 * DaemonJvm, the rest goes back to the system at once). While busy the heap keeps the JVM's
 * usual headroom (40-70% free): a tight heap would collect far more often. One collection per
 * busy spell: a daemon that stays idle collects nothing more, and one that stays busy never
 * pauses for this.
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
     * @param collect the full collection ({@link #collectAndShrink}; tests count calls)
     */
    IdleTrim(BooleanSupplier busy, Runnable collect) {
        this.busy = busy;
        this.collect = collect;
    }

    /**
     * A full collection after which the heap keeps at most 10% free. The free ratios are
     * manageable flags: lowered for this one collection, then set back as they were.
     */
    static void collectAndShrink() {
        HotSpotDiagnosticMXBean vm;
        String min;
        String max;
        try {
            vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            min = vm.getVMOption("MinHeapFreeRatio").getValue();
            max = vm.getVMOption("MaxHeapFreeRatio").getValue();
            vm.setVMOption("MinHeapFreeRatio", "0"); // first: the minimum may not exceed the maximum
            vm.setVMOption("MaxHeapFreeRatio", "10");
        } catch (RuntimeException | LinkageError notThisJvm) { // no such flags, or no jdk.management
            System.gc(); // it shrinks the heap less, but still
            return;
        }
        try {
            System.gc();
        } finally {
            vm.setVMOption("MaxHeapFreeRatio", max);
            vm.setVMOption("MinHeapFreeRatio", min);
        }
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
            try {
                collect.run();
            } catch (RuntimeException e) {
                // a ticker task that throws is never run again: log it, and try after the next spell
                Log.error("giving the heap back failed", e);
            }
        }
    }
}
