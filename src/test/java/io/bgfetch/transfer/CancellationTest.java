package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.concurrent.Cancellable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CancellationTest {

    /** Counts its cancellations, like an HTTP exchange being aborted. */
    static final class FakeExchange implements Cancellable {
        final AtomicInteger cancels = new AtomicInteger();

        @Override
        public boolean cancel() {
            cancels.incrementAndGet();
            return true;
        }
    }

    @Test
    void sleepReturnsTrueWhenNotCancelled() {
        Cancellation c = new Cancellation();
        long t0 = System.nanoTime();
        assertTrue(c.sleep(Duration.ofMillis(30)));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(30), "slept the whole delay");
        assertFalse(c.isCancelled());
    }

    @Test
    void zeroSleepReturnsTrueAtOnce() {
        assertTrue(new Cancellation().sleep(Duration.ZERO));
    }

    @Test
    void cancelWakesASleeperEarly() throws Exception {
        Cancellation c = new Cancellation();
        CompletableFuture<Boolean> slept = CompletableFuture.supplyAsync(() -> c.sleep(Duration.ofMinutes(10)));
        c.cancel();
        assertFalse(slept.get(5, TimeUnit.SECONDS), "woken by cancel, and says so");
    }

    @Test
    void sleepAfterCancelReturnsFalseAtOnce() {
        Cancellation c = new Cancellation();
        c.cancel();
        assertFalse(c.sleep(Duration.ofMinutes(10)));
    }

    @Test
    void parentCancelWakesAChildSleeper() throws Exception {
        Cancellation parent = new Cancellation();
        Cancellation child = parent.child();
        CompletableFuture<Boolean> slept = CompletableFuture.supplyAsync(() -> child.sleep(Duration.ofMinutes(10)));
        parent.cancel();
        assertFalse(slept.get(5, TimeUnit.SECONDS));
    }

    @Test
    void cancelAbortsTrackedExchanges() {
        Cancellation c = new Cancellation();
        FakeExchange a = new FakeExchange();
        FakeExchange b = new FakeExchange();
        FakeExchange done = new FakeExchange();
        c.track(a);
        c.track(b);
        c.track(done);
        c.untrack(done);
        assertEquals(0, a.cancels.get(), "tracking alone does not cancel");
        c.cancel();
        assertEquals(1, a.cancels.get());
        assertEquals(1, b.cancels.get());
        assertEquals(0, done.cancels.get(), "an untracked exchange is left alone");
    }

    @Test
    void trackingAfterCancelCancelsAtOnce() {
        Cancellation c = new Cancellation();
        c.cancel();
        FakeExchange late = new FakeExchange();
        c.track(late);
        assertEquals(1, late.cancels.get());
    }

    @Test
    void childIsCancelledWithItsParent() {
        Cancellation parent = new Cancellation();
        Cancellation child = parent.child();
        Cancellation grandchild = child.child();
        FakeExchange childExchange = new FakeExchange();
        FakeExchange grandchildExchange = new FakeExchange();
        child.track(childExchange);
        grandchild.track(grandchildExchange);

        parent.cancel();

        assertTrue(child.isCancelled());
        assertTrue(grandchild.isCancelled());
        assertEquals(1, childExchange.cancels.get());
        assertEquals(1, grandchildExchange.cancels.get());
        assertThrows(TransferFailure.Cancelled.class, child::throwIfCancelled);
    }

    @Test
    void childOfACancelledParentStartsCancelled() {
        Cancellation parent = new Cancellation();
        parent.cancel();
        Cancellation child = parent.child();
        assertTrue(child.isCancelled());
        FakeExchange e = new FakeExchange();
        child.track(e);
        assertEquals(1, e.cancels.get());
    }

    @Test
    void cancellingAChildLeavesParentAndSiblingsRunning() throws TransferFailure {
        Cancellation parent = new Cancellation();
        Cancellation a = parent.child();
        Cancellation b = parent.child();
        FakeExchange parentExchange = new FakeExchange();
        FakeExchange siblingExchange = new FakeExchange();
        parent.track(parentExchange);
        b.track(siblingExchange);

        a.cancel();

        assertTrue(a.isCancelled());
        assertFalse(parent.isCancelled());
        assertFalse(b.isCancelled());
        assertEquals(0, parentExchange.cancels.get());
        assertEquals(0, siblingExchange.cancels.get());
        parent.throwIfCancelled();
    }

    @Test
    void aReleasedChildStillSeesItsParentCancelled() {
        Cancellation parent = new Cancellation();
        Cancellation child = parent.child();
        FakeExchange e = new FakeExchange();
        child.track(e);
        parent.release(child);
        parent.cancel();
        assertTrue(child.isCancelled(), "isCancelled follows the parent link");
        assertEquals(0, e.cancels.get(), "but a released child's exchanges are no longer the parent's to abort");
    }

    @Test
    void interruptedSleepReturnsFalseAndKeepsTheInterrupt() {
        Cancellation c = new Cancellation();
        Thread.currentThread().interrupt();
        try {
            assertFalse(c.sleep(Duration.ofMinutes(10)));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
