package io.bgfetch.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a response body at an exact byte (with {@link Fault#holdAt}): the server sends that many
 * body bytes, says so ({@link #awaitReached}), and sends the rest only once the test
 * {@linkplain #release releases} it, or stops when the client closes the connection meanwhile.
 * A race between a body's last byte and something else is then made in the order the test chooses.
 */
public final class BodyGate {
    /** A gate forgotten by a failing test lets go after this long, so no server thread hangs. */
    private static final long LIMIT_SECONDS = 120;

    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    /** Waits until a response reached the byte; false on timeout. */
    public boolean awaitReached(Duration timeout) {
        try {
            return reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean isReached() {
        return reached.getCount() == 0;
    }

    /** Lets the held response go on. */
    public void release() {
        released.countDown();
    }

    // ---- used by the server ------------------------------------------------------------

    void arrive() {
        reached.countDown();
    }

    /** Waits for the release, checking {@code gone} now and then; false when the client left first. */
    boolean awaitRelease(java.util.function.BooleanSupplier gone) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
        try {
            while (!released.await(50, TimeUnit.MILLISECONDS)) {
                if (gone.getAsBoolean() || System.nanoTime() > deadline) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
