package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RateLimiterTest {

    @Test
    void unlimitedNeverBlocks() {
        RateLimiter unlimited = RateLimiter.unlimited();
        Cancellation c = new Cancellation();
        long t0 = System.nanoTime();
        for (int i = 0; i < 100_000; i++) {
            unlimited.acquire(1 << 20, c);
        }
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "100 GiB through an unlimited limiter is free");
    }

    @Test
    void limitsTheRate() {
        // 1 MB/s, a full bucket of 1 MB to start with: 1.5 MB in 16 KB chunks needs about 0.5 s
        RateLimiter limiter = new RateLimiter(1_000_000);
        Cancellation c = new Cancellation();
        long t0 = System.nanoTime();
        for (int sent = 0; sent < 1_500_000; sent += 16_000) {
            limiter.acquire(16_000, c);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds >= 0.4, "too fast for 1 MB/s: " + seconds + " s");
        assertTrue(seconds < 3, "far too slow: " + seconds + " s");
    }

    @Test
    void sharedBetweenThreadsTheLimitIsForTheSum() throws InterruptedException {
        RateLimiter limiter = new RateLimiter(1_000_000);
        Cancellation c = new Cancellation();
        Thread[] threads = new Thread[3];
        long t0 = System.nanoTime();
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                for (int sent = 0; sent < 500_000; sent += 10_000) {
                    limiter.acquire(10_000, c);
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds >= 0.4, "3 x 0.5 MB shared at 1 MB/s went too fast: " + seconds + " s");
        assertTrue(seconds < 3, "far too slow: " + seconds + " s");
    }

    @Test
    void aCancelledFetchDoesNotWait() {
        RateLimiter limiter = new RateLimiter(1_000);
        Cancellation c = new Cancellation();
        c.cancel();
        long t0 = System.nanoTime();
        limiter.acquire(10_000_000, c); // 10 000 s of tokens
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
    }
}
