package io.bgfetch.daemon;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Executor;

/**
 * The daemon-wide limit on transfers in flight, shared fairly between fetches.
 *
 * <p>Each fetch queues its records in its own {@link Lane}, which also caps how many of them run
 * at once (the fetch's {@code --jobs}). At most {@code limit} tasks of all lanes run at a time, on
 * the given executor. A free slot goes to the lane with the fewest tasks running; among equals, to
 * the one that has waited longest since it last started or finished a task (round robin). So a fetch of 1000
 * records cannot starve a fetch of one registered after it: the newcomer, running nothing, gets the
 * next slot that frees. This follows Chromium's background fetch scheduler, which also takes the
 * next request round robin over its active registrations rather than first come, first served.
 *
 * <p>There is no coordinator thread: slots are handed out under one lock by whichever thread adds
 * work or finishes a task, and the tasks are started after the lock is released.
 */
final class TransferQueue {
    private final int limit;
    private final Executor executor;
    /** Lanes that have queued work and room under their own cap, best candidate first. */
    private final TreeSet<Lane> ready = new TreeSet<>(Comparator.<Lane>comparingInt(l -> l.running)
            .thenComparingLong(l -> l.turn));
    private int inFlight;
    /** Stamps lanes in the order they last joined, started or finished a task: the round robin. */
    private long turns;

    TransferQueue(int limit, Executor executor) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        this.limit = limit;
        this.executor = executor;
    }

    /** A new lane for one fetch, running at most {@code jobs} of its tasks at once. */
    Lane lane(int jobs) {
        return new Lane(Math.max(1, jobs));
    }

    int limit() {
        return limit;
    }

    synchronized int inFlight() {
        return inFlight;
    }

    /** One fetch's queue of tasks. */
    final class Lane {
        private final int jobs;
        private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
        private int running;
        private long turn;
        private boolean closed;

        private Lane(int jobs) {
            this.jobs = jobs;
        }

        /**
         * Queues a task; it runs when this lane gets a slot. Returns false (and queues nothing)
         * once the lane was {@linkplain #close closed}.
         */
        boolean submit(Runnable task) {
            List<Runnable> start;
            synchronized (TransferQueue.this) {
                if (closed) {
                    return false;
                }
                ready.remove(this);
                if (queued.isEmpty() && running == 0) {
                    turn = ++turns; // a lane that was idle joins the round robin at its end
                }
                queued.add(task);
                offer(this);
                start = pump();
            }
            start.forEach(executor::execute);
            return true;
        }

        /** Takes back every task not yet started and refuses new ones; returns how many were taken back. */
        int close() {
            synchronized (TransferQueue.this) {
                closed = true;
                ready.remove(this);
                int n = queued.size();
                queued.clear();
                return n;
            }
        }

        int queued() {
            synchronized (TransferQueue.this) {
                return queued.size();
            }
        }

        int running() {
            synchronized (TransferQueue.this) {
                return running;
            }
        }

        private boolean eligible() {
            return !queued.isEmpty() && running < jobs;
        }

        /** Runs the task and then gives its slot back, whatever the task did. */
        private Runnable slot(Runnable task) {
            return () -> {
                try {
                    task.run();
                } finally {
                    List<Runnable> start;
                    synchronized (TransferQueue.this) {
                        ready.remove(this); // its key (running) is about to change
                        running--;
                        inFlight--;
                        turn = ++turns; // it just had a slot: lanes that waited longer go first
                        offer(this);
                        start = pump();
                    }
                    start.forEach(executor::execute);
                }
            };
        }
    }

    /** Puts a lane among the candidates if it can take a slot. Caller holds the lock, lane not in {@link #ready}. */
    private void offer(Lane lane) {
        if (lane.eligible()) {
            ready.add(lane);
        }
    }

    /** Hands out every free slot; returns the tasks to start once the lock is released. */
    private List<Runnable> pump() {
        List<Runnable> start = new ArrayList<>();
        while (inFlight < limit && !ready.isEmpty()) {
            Lane lane = ready.pollFirst();
            Runnable task = lane.queued.poll();
            lane.running++;
            lane.turn = ++turns;
            inFlight++;
            offer(lane);
            start.add(lane.slot(task));
        }
        return start;
    }
}
