package io.bgfetch.transfer;

/**
 * A token bucket shared by all connections of one fetch ({@code --limit-rate}). A limit of 0
 * means unlimited, and then {@link #acquire} costs nothing.
 */
public final class RateLimiter {
    private final long bytesPerSecond;
    private double tokens;
    private long lastRefill = System.nanoTime();

    public RateLimiter(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.tokens = bytesPerSecond;
    }

    public static RateLimiter unlimited() {
        return new RateLimiter(0);
    }

    /** Blocks until {@code bytes} may pass; returns early when cancelled. */
    public void acquire(int bytes, Cancellation cancel) {
        if (bytesPerSecond <= 0) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(bytesPerSecond, tokens + (now - lastRefill) / 1e9 * bytesPerSecond);
            lastRefill = now;
            tokens -= bytes;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens / bytesPerSecond * 1e9);
        }
        if (waitNanos > 0) {
            cancel.sleep(java.time.Duration.ofNanos(waitNanos));
        }
    }
}
