package io.bgfetch.daemon;

/**
 * Wakes the streaming requests (watch, follow) when a fetch changes state or ends, so a
 * client waiting with {@code fetch --wait} learns the result at once instead of at its next poll.
 */
final class ChangeSignal {
    private long version;

    synchronized void changed() {
        version++;
        notifyAll();
    }

    synchronized long version() {
        return version;
    }

    /** Waits until something changed after {@code seen}, or {@code millis} passed. */
    synchronized void awaitAfter(long seen, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        long left = millis;
        while (version == seen && left > 0) {
            wait(left);
            left = deadline - System.currentTimeMillis();
        }
    }
}
