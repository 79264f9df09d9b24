package io.bgfetch.daemon;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The daemon-wide limit on transfers in flight, shared fairly between fetches.
 *
 * <p>Each fetch queues its records in its own {@link Lane}, which also caps how many of them are
 * going at once (the fetch's {@code --jobs}). At most {@code limit} tasks of all lanes hold a
 * {@link Slot} at a time, on the given executor. A free slot goes to the lane with the fewest
 * tasks going; among equals, to the one that has waited longest since it last started or finished
 * a task (round robin). So a fetch of 1000 records cannot starve a fetch of one registered after
 * it: the newcomer, running nothing, gets the next slot that frees. This follows Chromium's
 * background fetch scheduler, which also takes the next request round robin over its active
 * registrations rather than first come, first served.
 *
 * <p>A task that sleeps before retrying {@linkplain Slot#lend lends} its slot meanwhile, so that
 * records of an unreachable server do not block everyone else's; it {@linkplain Slot#reclaim
 * reclaims} one, ahead of queued tasks, before its next attempt. Its thread sleeps all the same,
 * so at most {@code limit} slots are lent at once (beyond that a sleeper keeps its slot): at most
 * {@code 2 * limit} tasks run on the executor at once. A lent slot still counts against its lane's
 * cap: a fetch never has more than {@code --jobs} records going.
 *
 * <p>There is no coordinator thread: slots are handed out under one lock by whichever thread adds
 * work or gives a slot back, and the tasks are started after the lock is released.
 */
final class TransferQueue {
    private final int limit;
    private final Executor executor;
    /** A task's thread goes on with the next task its freed slot starts (see the constructor). */
    private final boolean handOn;
    /** Lanes that have queued work and room under their own cap, best candidate first. */
    private final TreeSet<Lane> ready = new TreeSet<>(Comparator.<Lane>comparingInt(l -> l.going)
            .thenComparingLong(l -> l.turn));
    /** Lent slots whose tasks want them back, first come first served. */
    private final ArrayDeque<Slot> reclaiming = new ArrayDeque<>();
    private int inFlight;
    private int lent;
    private boolean shutDown;
    /** Stamps lanes in the order they last joined, started or finished a task: the round robin. */
    private long turns;

    TransferQueue(int limit, Executor executor) {
        this(limit, executor, false);
    }

    /**
     * @param handOn when a task ends, its thread runs the task that the slot it gave back starts
     *               (if any), instead of handing it to the executor: a fetch of many small files
     *               then costs no thread handoff (a wake-up, a context switch) per record. Without,
     *               every task goes to the executor, so tests can run them one at a time.
     */
    TransferQueue(int limit, Executor executor, boolean handOn) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        this.limit = limit;
        this.executor = executor;
        this.handOn = handOn;
    }

    /** A new lane for one fetch, with at most {@code jobs} of its tasks going at once. */
    Lane lane(int jobs) {
        return new Lane(Math.max(1, jobs));
    }

    /** Tasks holding a slot (not those sleeping on a lent one). */
    synchronized int inFlight() {
        return inFlight;
    }

    /**
     * Starts nothing more, whatever is queued, and grants no slot to reclaimers (their lanes'
     * closing wakes them): for a daemon that is stopping, where a slot given back by a cancelled
     * transfer must not start another one.
     */
    synchronized void shutDown() {
        shutDown = true;
    }

    /** One fetch's queue of tasks. */
    final class Lane {
        private final int jobs;
        private final ArrayDeque<Consumer<Slot>> queued = new ArrayDeque<>();
        /** Tasks started and not ended, holding a slot or sleeping on a lent one. */
        private int going;
        private long turn;
        private boolean closed;

        private Lane(int jobs) {
            this.jobs = jobs;
        }

        /**
         * Queues a task; it runs, given its slot, when this lane gets one. Returns false (and
         * queues nothing) once the lane was {@linkplain #close closed}.
         */
        boolean submit(Consumer<Slot> task) {
            List<Start> start;
            synchronized (TransferQueue.this) {
                if (closed) {
                    return false;
                }
                ready.remove(this);
                if (queued.isEmpty() && going == 0) {
                    turn = ++turns; // a lane that was idle joins the round robin at its end
                }
                queued.add(task);
                offer(this);
                start = pump();
            }
            start.forEach(executor::execute);
            return true;
        }

        /**
         * Takes back every task not yet started, refuses new ones, and wakes its tasks waiting to
         * reclaim a slot (they get none); returns how many tasks were taken back.
         */
        int close() {
            synchronized (TransferQueue.this) {
                closed = true;
                ready.remove(this);
                int n = queued.size();
                queued.clear();
                TransferQueue.this.notifyAll();
                return n;
            }
        }

        int queued() {
            synchronized (TransferQueue.this) {
                return queued.size();
            }
        }

        /** Tasks started and not yet ended. */
        int going() {
            synchronized (TransferQueue.this) {
                return going;
            }
        }

        private boolean eligible() {
            return !queued.isEmpty() && going < jobs;
        }
    }

    /** A running task's right to transfer; given back when the task ends, whatever it did. */
    final class Slot {
        private final Lane lane;
        private boolean isLent;

        private Slot(Lane lane) {
            this.lane = lane;
        }

        /**
         * Gives the slot back while the task sleeps (before a retry). Returns false, keeping the
         * slot, when {@code limit} slots are lent already.
         */
        boolean lend() {
            List<Start> start;
            synchronized (TransferQueue.this) {
                if (isLent) {
                    return true;
                }
                if (lent >= limit) {
                    return false;
                }
                isLent = true;
                lent++;
                inFlight--;
                start = pump();
            }
            start.forEach(executor::execute);
            return true;
        }

        /**
         * Waits for a slot again, ahead of queued tasks. Returns false without one when the lane
         * was closed or the thread interrupted meanwhile: the task should end.
         */
        boolean reclaim() {
            synchronized (TransferQueue.this) {
                if (!isLent) {
                    return true;
                }
                reclaiming.add(this);
                // Normally this only grants the slot at once if one is free; anything else it
                // starts is started here, under the lock, since this thread waits below.
                pump().forEach(executor::execute);
                try {
                    while (isLent && !lane.closed) {
                        TransferQueue.this.wait();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (isLent) {
                    reclaiming.remove(this);
                    return false;
                }
                return true;
            }
        }

        /** Runs the task; then, with {@link #handOn}, on this thread the tasks its freed slot starts. */
        private void run(Consumer<Slot> task) {
            Start next = new Start(this, task);
            while (next != null) {
                next = next.slot.runOnce(next.task);
            }
        }

        /** Runs the task and gives the slot back; returns the task to run next on this thread, or null. */
        private Start runOnce(Consumer<Slot> task) {
            try {
                task.accept(this);
            } catch (RuntimeException | Error e) {
                giveBack().forEach(executor::execute);
                throw e;
            }
            List<Start> start = giveBack();
            // An interrupted thread (the daemon stopping) starts nothing itself: the executor decides.
            Start next = handOn && !start.isEmpty() && !Thread.currentThread().isInterrupted() ? start.remove(0) : null;
            start.forEach(executor::execute);
            return next;
        }

        /** The task ended: its slot goes back, and the tasks it lets start are returned. */
        private List<Start> giveBack() {
            synchronized (TransferQueue.this) {
                ready.remove(lane); // its key (going) is about to change
                lane.going--;
                if (isLent) {
                    lent--;
                } else {
                    inFlight--;
                }
                lane.turn = ++turns; // it just had a slot: lanes that waited longer go first
                offer(lane);
                return pump();
            }
        }
    }

    /** A task given its slot, to be run (by the executor, or by the thread that freed the slot). */
    private record Start(Slot slot, Consumer<Slot> task) implements Runnable {
        @Override
        public void run() {
            slot.run(task);
        }
    }

    /** Puts a lane among the candidates if it can take a slot. Caller holds the lock, lane not in {@link #ready}. */
    private void offer(Lane lane) {
        if (lane.eligible()) {
            ready.add(lane);
        }
    }

    /**
     * Hands out every free slot, to reclaimers first; returns the tasks to start once the lock is
     * released. Caller holds the lock.
     */
    private List<Start> pump() {
        List<Start> start = new ArrayList<>();
        if (shutDown) {
            return start;
        }
        boolean woke = false;
        while (inFlight < limit && !reclaiming.isEmpty()) {
            Slot s = reclaiming.poll();
            s.isLent = false;
            lent--;
            inFlight++;
            woke = true;
        }
        if (woke) {
            notifyAll();
        }
        while (inFlight < limit && !ready.isEmpty()) {
            Lane lane = ready.pollFirst();
            Consumer<Slot> task = lane.queued.poll();
            lane.going++;
            lane.turn = ++turns;
            inFlight++;
            offer(lane);
            start.add(new Start(new Slot(lane), task));
        }
        return start;
    }
}
