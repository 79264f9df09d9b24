package io.bgfetch.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition with a deadline: the only way tests wait (never a bare sleep as an assertion). */
public final class Poll {

    private Poll() {
    }

    /**
     * Evaluates {@code condition} until it holds, backing off from 10 ms to 250 ms between tries.
     * Fails the test with {@code what} when it still does not hold after {@code timeout}.
     * An exception thrown by the condition propagates at once.
     */
    /**
     * Lets time pass on purpose: to let a transfer move before a kill, or to show that something
     * stays put. Never as an assertion that something happened; use {@link #until} for that.
     */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public static void until(Duration timeout, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 10;
        while (true) {
            if (condition.getAsBoolean()) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            try {
                Thread.sleep(Math.max(1, Math.min(pauseMillis, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for: " + what);
            }
            pauseMillis = Math.min(250, pauseMillis * 2);
        }
    }
}
