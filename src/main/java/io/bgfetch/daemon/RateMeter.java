package io.bgfetch.daemon;

/**
 * Bytes per second over the last few seconds, from samples of a growing counter taken by the
 * scheduler's ticker (not per read: the byte path stays free of locks and clocks).
 */
final class RateMeter {
    private static final int WINDOW = 6;
    private final long[] bytes = new long[WINDOW];
    private final long[] nanos = new long[WINDOW];
    private int count;
    private int next;

    synchronized void sample(long total) {
        bytes[next] = total;
        nanos[next] = System.nanoTime();
        next = (next + 1) % WINDOW;
        count = Math.min(count + 1, WINDOW);
    }

    synchronized long bytesPerSecond() {
        if (count < 2) {
            return 0;
        }
        int newest = (next - 1 + WINDOW) % WINDOW;
        int oldest = (next - count + WINDOW) % WINDOW;
        long dt = nanos[newest] - nanos[oldest];
        long db = bytes[newest] - bytes[oldest];
        return dt <= 0 || db <= 0 ? 0 : (long) (db * 1e9 / dt);
    }
}
