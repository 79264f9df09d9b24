package io.bgfetch.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import io.bgfetch.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class TransferQueueTest {

    /** An executor that only collects what it is given: the test decides when each task runs (and ends). */
    private static final class HeldExecutor implements java.util.concurrent.Executor {
        final Deque<Runnable> started = new ArrayDeque<>();

        @Override
        public void execute(Runnable r) {
            started.add(r);
        }

        /** Runs the task started longest ago, to its end. */
        void finishOldest() {
            started.removeFirst().run();
        }

        /** Runs the task started last, to its end. */
        void finishNewest() {
            started.removeLast().run();
        }

        void finishAll() {
            while (!started.isEmpty()) {
                finishOldest();
            }
        }
    }

    private final HeldExecutor executor = new HeldExecutor();
    private final List<String> ran = Collections.synchronizedList(new ArrayList<>());

    private Consumer<TransferQueue.Slot> task(String name) {
        return slot -> ran.add(name);
    }

    private void submit(TransferQueue.Lane lane, String prefix, int count) {
        for (int i = 1; i <= count; i++) {
            assertTrue(lane.submit(task(prefix + i)));
        }
    }

    @Test
    void noMoreThanTheLimitRunAtOnceOverAllLanes() {
        TransferQueue q = new TransferQueue(4, executor);
        for (String name : List.of("a", "b", "c")) {
            submit(q.lane(10), name, 10);
        }
        assertEquals(4, executor.started.size());
        assertEquals(4, q.inFlight());
        executor.finishOldest();
        assertEquals(4, executor.started.size(), "a finished task's slot goes to a queued one");
        executor.finishAll();
        assertEquals(30, ran.size());
        assertEquals(0, q.inFlight());
    }

    @Test
    void aLaneNeverRunsMoreThanItsJobs() {
        TransferQueue q = new TransferQueue(16, executor);
        TransferQueue.Lane lane = q.lane(2);
        submit(lane, "a", 10);
        assertEquals(2, executor.started.size());
        assertEquals(2, lane.going());
        assertEquals(8, lane.queued());
        executor.finishOldest();
        assertEquals(2, executor.started.size());
        assertEquals(7, lane.queued());
    }

    @Test
    void aLaterSmallLaneTakesTheNextFreeSlotAheadOfABigOne() {
        TransferQueue q = new TransferQueue(2, executor);
        TransferQueue.Lane big = q.lane(32);
        submit(big, "big", 1000);
        submit(q.lane(4), "small", 1);
        assertEquals(List.of(), ran);
        executor.finishOldest();              // big1 ends: its slot must go to the newcomer
        executor.finishNewest();              // the task just started
        assertEquals(List.of("big1", "small1"), ran);
        assertEquals(997, big.queued(), "big1, big2, and big3 in the slot small1 gave back");
    }

    @Test
    void lanesWithEqualShareTakeTurns() {
        TransferQueue q = new TransferQueue(1, executor);
        submit(q.lane(8), "a", 3);
        submit(q.lane(8), "b", 3);
        submit(q.lane(8), "c", 3);
        executor.finishAll();
        assertEquals(List.of("a1", "b1", "c1", "a2", "b2", "c2", "a3", "b3", "c3"), ran);
    }

    @Test
    void theFreeSlotGoesToTheLaneRunningFewest() {
        TransferQueue q = new TransferQueue(3, executor);
        submit(q.lane(8), "a", 5);            // a1 a2 a3 take every slot
        submit(q.lane(8), "b", 5);
        submit(q.lane(8), "c", 5);
        executor.finishOldest();              // a1 ends: b and c run nothing, b came first
        executor.finishOldest();              // a2 ends: c runs nothing, a and b one each
        executor.finishOldest();
        executor.finishOldest();
        executor.finishOldest();
        assertEquals(List.of("a1", "a2", "a3", "b1", "c1"), ran, "each fetch got one slot before a got a fourth");
    }

    @Test
    void aLaneHoldingFewerSlotsWinsOverTakingTurns() {
        TransferQueue q = new TransferQueue(3, executor);
        submit(q.lane(8), "a", 10);           // a1 a2 a3
        submit(q.lane(8), "b", 10);
        executor.finishOldest();              // a1 ends: b1 starts
        executor.finishOldest();              // a2 ends: a and b run one each; b2 starts (a just had a turn)
        executor.finishOldest();              // a3 ends: a runs none, b two; a plain round robin would pick b
        for (int i = 0; i < 3; i++) {
            executor.finishOldest();
        }
        assertEquals(List.of("a1", "a2", "a3", "b1", "b2", "a4"), ran);
    }

    @Test
    void closingALaneTakesBackItsQueuedTasksAndFreesNothingItDidNotHold() {
        TransferQueue q = new TransferQueue(2, executor);
        TransferQueue.Lane a = q.lane(2);
        TransferQueue.Lane b = q.lane(2);
        submit(a, "a", 5);
        submit(b, "b", 5);
        assertEquals(3, a.close(), "a1 and a2 run; the other three are taken back");
        assertFalse(a.submit(task("a6")), "a closed lane takes no new work");
        assertEquals(0, a.queued());
        executor.finishAll();
        assertEquals(List.of("a1", "a2", "b1", "b2", "b3", "b4", "b5"), ran);
        assertEquals(0, q.inFlight());
    }

    @Test
    void afterShutDownNothingMoreStarts() {
        TransferQueue q = new TransferQueue(2, executor);
        TransferQueue.Lane a = q.lane(4);
        submit(a, "a", 5);
        q.shutDown();
        executor.finishAll();
        assertEquals(List.of("a1", "a2"), ran, "slots given back after the shut-down start nothing");
        assertEquals(3, a.close());
    }

    @Test
    void aTaskThatThrowsStillGivesBackItsSlot() {
        TransferQueue q = new TransferQueue(1, executor);
        TransferQueue.Lane lane = q.lane(1);
        lane.submit(slot -> {
            throw new IllegalStateException("boom");
        });
        lane.submit(task("next"));
        assertThrows(IllegalStateException.class, executor::finishOldest);
        executor.finishAll();
        assertEquals(List.of("next"), ran);
        assertEquals(0, q.inFlight());
    }

    @Test
    void aSleepingTaskLendsItsSlotToAnotherFetchButNotToItsOwnLane() {
        TransferQueue q = new TransferQueue(1, executor);
        TransferQueue.Lane a = q.lane(1);
        TransferQueue.Lane b = q.lane(1);
        List<Boolean> lends = new ArrayList<>();
        a.submit(slot -> {
            lends.add(slot.lend());            // the slot goes to b1, not to a2: a's --jobs is 1
            assertEquals(1, a.queued());
            assertEquals(1, executor.started.size());
            executor.finishOldest();           // b1 ends, on the slot a lent
            ran.add("a1");
        });
        a.submit(task("a2"));
        b.submit(task("b1"));
        executor.finishOldest();
        assertEquals(List.of(true), lends);
        assertEquals(List.of("b1", "a1"), ran);
        executor.finishAll();
        assertEquals(List.of("b1", "a1", "a2"), ran);
        assertEquals(0, q.inFlight());
    }

    @Test
    void noMoreSlotsAreLentThanTheLimit() {
        TransferQueue q = new TransferQueue(1, executor);
        List<Boolean> lends = new ArrayList<>();
        q.lane(1).submit(slot -> {
            lends.add(slot.lend());
            executor.finishOldest();           // b1 starts on the lent slot, and cannot lend it too
        });
        q.lane(1).submit(slot -> lends.add(slot.lend()));
        executor.finishOldest();
        assertEquals(List.of(true, false), lends);
        assertEquals(0, q.inFlight());
    }

    @Test
    void aReclaimerGetsTheNextFreeSlotAheadOfQueuedTasks() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            TransferQueue q = new TransferQueue(1, pool);
            CountDownLatch lent = new CountDownLatch(1);
            CountDownLatch bStarted = new CountDownLatch(1);
            CountDownLatch bMayEnd = new CountDownLatch(1);
            AtomicInteger reclaimed = new AtomicInteger(-1);
            Thread[] sleeper = new Thread[1];
            q.lane(4).submit(slot -> {
                sleeper[0] = Thread.currentThread();
                slot.lend();
                lent.countDown();
                awaitQuietly(bStarted);
                reclaimed.set(slot.reclaim() ? 1 : 0); // waits: b1 holds the only slot
            });
            assertTrue(lent.await(10, TimeUnit.SECONDS));
            TransferQueue.Lane b = q.lane(4);
            b.submit(slot -> {
                bStarted.countDown();
                awaitQuietly(bMayEnd);
            });
            b.submit(slot -> ran.add("b2"));
            assertTrue(bStarted.await(10, TimeUnit.SECONDS));
            Poll.until(Duration.ofSeconds(10), () -> sleeper[0].getState() == Thread.State.WAITING, "the sleeper to wait for a slot");
            assertEquals(-1, reclaimed.get());
            bMayEnd.countDown();
            Poll.until(Duration.ofSeconds(10), () -> reclaimed.get() == 1, "the sleeper to have its slot back");
            Poll.until(Duration.ofSeconds(10), () -> ran.contains("b2"), "b2 to run once the sleeper ended");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closingALaneWakesItsReclaimerWithoutASlot() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            TransferQueue q = new TransferQueue(1, pool);
            CountDownLatch lent = new CountDownLatch(1);
            CountDownLatch bMayEnd = new CountDownLatch(1);
            AtomicInteger reclaimed = new AtomicInteger(-1);
            CountDownLatch bStarted = new CountDownLatch(1);
            TransferQueue.Lane a = q.lane(1);
            Thread[] sleeper = new Thread[1];
            a.submit(slot -> {
                sleeper[0] = Thread.currentThread();
                slot.lend();
                lent.countDown();
                awaitQuietly(bStarted);
                reclaimed.set(slot.reclaim() ? 1 : 0);
            });
            assertTrue(lent.await(10, TimeUnit.SECONDS));
            q.lane(1).submit(slot -> {                 // holds the only slot
                bStarted.countDown();
                awaitQuietly(bMayEnd);
            });
            Poll.until(Duration.ofSeconds(10), () -> sleeper[0].getState() == Thread.State.WAITING, "the sleeper to wait for a slot");
            a.close();
            Poll.until(Duration.ofSeconds(10), () -> reclaimed.get() == 0, "the reclaimer to give up");
            assertEquals(1, q.inFlight(), "only b holds a slot");
            bMayEnd.countDown();
            Poll.until(Duration.ofSeconds(10), () -> q.inFlight() == 0, "b to end");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void handingOnRunsTheNextTasksOnTheThreadThatEndedOneInTheSameTurns() throws Exception {
        List<Runnable> handedToTheExecutor = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.Executor counting = r -> {
            handedToTheExecutor.add(r);
            Thread t = new Thread(r, "transfer-" + handedToTheExecutor.size());
            t.start();
        };
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch queued = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(6);
        TransferQueue q = new TransferQueue(1, counting, true);
        TransferQueue.Lane a = q.lane(8);
        TransferQueue.Lane b = q.lane(8);
        for (int i = 1; i <= 3; i++) {
            String name = "a" + i;
            a.submit(slot -> {
                awaitQuietly(queued); // the first task holds the slot until everything is queued
                ran.add(name);
                threads.add(Thread.currentThread().getName());
                done.countDown();
            });
        }
        for (int i = 1; i <= 3; i++) {
            String name = "b" + i;
            b.submit(slot -> {
                ran.add(name);
                threads.add(Thread.currentThread().getName());
                done.countDown();
            });
        }
        queued.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("a1", "b1", "a2", "b2", "a3", "b3"), ran, "the same turns as with handoffs");
        assertEquals(1, handedToTheExecutor.size(), "one thread went through them all: " + threads);
        assertEquals(List.of("transfer-1"), threads.stream().distinct().toList());
        Poll.until(Duration.ofSeconds(10), () -> q.inFlight() == 0, "the last slot to be given back");
    }

    @Test
    void aTaskThatThrowsStillLetsTheNextOneRun() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            TransferQueue q = new TransferQueue(1, pool, true);
            TransferQueue.Lane lane = q.lane(1);
            CountDownLatch second = new CountDownLatch(1);
            lane.submit(slot -> {
                throw new IllegalStateException("a task that fails");
            });
            lane.submit(slot -> second.countDown());
            assertTrue(second.await(10, TimeUnit.SECONDS), "the next task ran on another thread");
            Poll.until(Duration.ofSeconds(10), () -> q.inFlight() == 0, "its slot to be given back");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TransferQueue(0, executor));
    }

    /** Real threads, many lanes: the limits hold under contention and every task runs once. */
    @Test
    void limitsHoldOnARealPool() throws Exception {
        int limit = 5;
        ExecutorService pool = Executors.newFixedThreadPool(limit);
        try {
            TransferQueue q = new TransferQueue(limit, pool);
            AtomicInteger now = new AtomicInteger();
            AtomicInteger peak = new AtomicInteger();
            AtomicInteger laneViolations = new AtomicInteger();
            int lanes = 40;
            int tasksPerLane = 25;
            CountDownLatch done = new CountDownLatch(lanes * tasksPerLane);
            Random random = new Random(42);
            for (int l = 0; l < lanes; l++) {
                int jobs = 1 + random.nextInt(4);
                TransferQueue.Lane lane = q.lane(jobs);
                AtomicInteger inLane = new AtomicInteger();
                for (int t = 0; t < tasksPerLane; t++) {
                    lane.submit(slot -> {
                        peak.accumulateAndGet(now.incrementAndGet(), Math::max);
                        if (inLane.incrementAndGet() > jobs) {
                            laneViolations.incrementAndGet();
                        }
                        Thread.onSpinWait();
                        inLane.decrementAndGet();
                        now.decrementAndGet();
                        done.countDown();
                    });
                }
            }
            assertTrue(done.await(20, TimeUnit.SECONDS), "every task ran");
            assertTrue(peak.get() <= limit, "at most " + limit + " at once, saw " + peak.get());
            assertEquals(0, laneViolations.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
