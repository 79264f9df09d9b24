package io.bgfetch.daemon;

/**
 * Wakes the streaming requests (watch, follow) when a fetch changes state or ends, so a
 * client waiting with {@code fetch --wait} learns the result at once instead of at its next poll.
 *
 * <p>Two kinds of change: a fetch's ({@link #changed}: it started, ended, paused, began to wait),
 * which wakes every stream, and a record's within a running fetch ({@link #progressed}: a body
 * planned, a record ended), which wakes only those that follow records. A fetch of 1000 small
 * files has thousands of record changes a second; a watch woken by each would build a snapshot
 * of the whole fetch every few milliseconds, whatever interval its client asked for.
 */
final class ChangeSignal {
    private long version;
    private long any;

    /** A fetch changed: every stream wakes. */
    synchronized void changed() {
        version++;
        any++;
        notifyAll();
    }

    /** A record of a running fetch changed: the streams that follow records wake. */
    synchronized void progressed() {
        any++;
        notifyAll();
    }

    /** Counts the fetches' changes. */
    synchronized long version() {
        return version;
    }

    /** Counts every change, the records' too. */
    synchronized long anyVersion() {
        return any;
    }

    /** Waits until a fetch changed after {@code seen} ({@link #version}), or {@code millis} passed. */
    synchronized void awaitAfter(long seen, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        long left = millis;
        while (version == seen && left > 0) {
            wait(left);
            left = deadline - System.currentTimeMillis();
        }
    }

    /** Waits until anything changed after {@code seen} ({@link #anyVersion}), or {@code millis} passed. */
    synchronized void awaitAnyAfter(long seen, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        long left = millis;
        while (any == seen && left > 0) {
            wait(left);
            left = deadline - System.currentTimeMillis();
        }
    }
}
