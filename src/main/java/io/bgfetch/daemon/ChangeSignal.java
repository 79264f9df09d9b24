package io.bgfetch.daemon;

/**
 * Wakes the streaming requests (watch, follow) when a fetch changes state or ends, so a
 * client waiting with {@code fetch --wait} learns the result at once instead of at its next poll.
 *
 * <p>Two kinds of change: a fetch's ({@link #changed}: it started, ended, paused, began to wait),
 * which wakes every stream, and a record's within a running fetch ({@link #progressed}: a body
 * planned, a record ended), which wakes only those that follow records. A fetch of 1000 small
 * files has thousands of record changes a second; a watch woken by each would build a snapshot
 * of the whole fetch every few milliseconds, whatever interval its client asked for. The two
 * kinds are waited for on two monitors, so a record's change does not even wake a watch's
 * thread to find that it has nothing to do.
 */
final class ChangeSignal {
    /** A fetch's changes; watches wait on it. */
    private final Counter fetches = new Counter();
    /** Every change, the records' too; streams that follow records wait on it. */
    private final Counter any = new Counter();

    /** A fetch changed: every stream wakes. */
    void changed() {
        fetches.increment();
        progressed();
    }

    /** A record of a running fetch changed: the streams that follow records wake. */
    void progressed() {
        any.increment();
    }

    /** Counts the fetches' changes. */
    long version() {
        return fetches.value();
    }

    /** Counts every change, the records' too. */
    long anyVersion() {
        return any.value();
    }

    /** Waits until a fetch changed after {@code seen} ({@link #version}), or {@code millis} passed. */
    void awaitAfter(long seen, long millis) throws InterruptedException {
        fetches.awaitAfter(seen, millis);
    }

    /** Waits until anything changed after {@code seen} ({@link #anyVersion}), or {@code millis} passed. */
    void awaitAnyAfter(long seen, long millis) throws InterruptedException {
        any.awaitAfter(seen, millis);
    }

    /** A count of changes that threads can wait on; its own monitor. */
    private static final class Counter {
        private long value;

        synchronized void increment() {
            value++;
            notifyAll();
        }

        synchronized long value() {
            return value;
        }

        synchronized void awaitAfter(long seen, long millis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + millis;
            long left = millis;
            while (value == seen && left > 0) {
                wait(left);
                left = deadline - System.currentTimeMillis();
            }
        }
    }
}
