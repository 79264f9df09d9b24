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
    /** Guards {@link #version}; watches wait on it. */
    private final Object fetches = new Object();
    /** Guards {@link #any}; streams that follow records wait on it. */
    private final Object records = new Object();
    private long version;
    private long any;

    /** A fetch changed: every stream wakes. */
    void changed() {
        synchronized (fetches) {
            version++;
            fetches.notifyAll();
        }
        progressed();
    }

    /** A record of a running fetch changed: the streams that follow records wake. */
    void progressed() {
        synchronized (records) {
            any++;
            records.notifyAll();
        }
    }

    /** Counts the fetches' changes. */
    long version() {
        synchronized (fetches) {
            return version;
        }
    }

    /** Counts every change, the records' too. */
    long anyVersion() {
        synchronized (records) {
            return any;
        }
    }

    /** Waits until a fetch changed after {@code seen} ({@link #version}), or {@code millis} passed. */
    void awaitAfter(long seen, long millis) throws InterruptedException {
        synchronized (fetches) {
            long deadline = System.currentTimeMillis() + millis;
            long left = millis;
            while (version == seen && left > 0) {
                fetches.wait(left);
                left = deadline - System.currentTimeMillis();
            }
        }
    }

    /** Waits until anything changed after {@code seen} ({@link #anyVersion}), or {@code millis} passed. */
    void awaitAnyAfter(long seen, long millis) throws InterruptedException {
        synchronized (records) {
            long deadline = System.currentTimeMillis() + millis;
            long left = millis;
            while (any == seen && left > 0) {
                records.wait(left);
                left = deadline - System.currentTimeMillis();
            }
        }
    }
}
