package io.bgfetch.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** Commits that record their batches; the first one waits for {@code release}. */
    private static final class Recorder {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        int[] commit(List<GroupCommit.Write> writes) {
            if (calls.incrementAndGet() == 1) {
                firstStarted.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            batches.add(writes.stream().map(GroupCommit.Write::sql).toList());
            return new int[writes.size()];
        }
    }

    @Test
    void writesMadeDuringACommitAreCommittedTogetherInTheNextOne() throws Exception {
        Recorder r = new Recorder();
        GroupCommit group = new GroupCommit(r::commit);
        Future<?> first = threads.submit(() -> group.write("w0"));
        assertTrue(r.firstStarted.await(10, TimeUnit.SECONDS));
        List<Future<?>> waiting = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String sql = "w" + i;
            waiting.add(threads.submit(() -> group.write(sql)));
        }
        Poll.until(Duration.ofSeconds(10), () -> group.queued() == 5, "five writes queued behind the commit");
        for (Future<?> f : waiting) {
            assertTrue(!f.isDone(), "a write returns only once it is committed");
        }

        r.release.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (Future<?> f : waiting) {
            f.get(10, TimeUnit.SECONDS);
        }

        assertEquals(2, r.batches.size(), "six writes, two commits: " + r.batches);
        assertEquals(List.of("w0"), r.batches.get(0));
        assertEquals(5, r.batches.get(1).size());
    }

    @Test
    void aFailedCommitFailsEveryWriteOfItsBatchAndTheNextBatchGoesOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        RuntimeException diskFull = new StoreException("database error: [SQLITE_FULL]", null);
        GroupCommit group = new GroupCommit(writes -> {
            if (calls.incrementAndGet() == 1) {
                throw diskFull;
            }
            return new int[writes.size()];
        });

        assertSame(diskFull, assertThrows(StoreException.class, () -> group.write("a")));
        group.write("b"); // no exception: the failure was that batch's alone
        assertEquals(2, calls.get());
    }

    @Test
    void eachWriteLearnsTheRowsItsOwnStatementsChangedAndIsNeverSplit() throws Exception {
        Recorder r = new Recorder();
        GroupCommit group = new GroupCommit(writes -> {
            r.commit(writes);
            // a guarded move that lost changes no row; the others one row per statement
            return writes.stream().mapToInt(w -> w.sql().startsWith("lost") ? 0 : 1).toArray();
        });
        Future<Integer> first = threads.submit(() -> group.write("won0"));
        assertTrue(r.firstStarted.await(10, TimeUnit.SECONDS));
        Future<Integer> lost = threads.submit(() -> group.write("lost1"));
        Poll.until(Duration.ofSeconds(10), () -> group.queued() == 1, "a write queued behind the commit");
        Future<int[]> pair = threads.submit(() -> group.writeAll(List.of(new GroupCommit.Write("a", new Object[0]),
                new GroupCommit.Write("lost-b", new Object[0]))));
        Poll.until(Duration.ofSeconds(10), () -> group.queued() == 2, "two writes queued behind the commit");

        r.release.countDown();

        assertEquals(1, first.get(10, TimeUnit.SECONDS));
        assertEquals(0, lost.get(10, TimeUnit.SECONDS), "the guard's answer, though committed with others");
        assertArrayEquals(new int[] {1, 0}, pair.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(List.of("won0"), List.of("lost1", "a", "lost-b")), r.batches);
    }

    @Test
    void manyThreadsEachSeeTheirOwnWritesCommittedInTheirOrder() throws Exception {
        List<String> committed = Collections.synchronizedList(new ArrayList<>());
        GroupCommit group = new GroupCommit(writes -> {
            writes.forEach(w -> committed.add(w.sql()));
            return new int[writes.size()];
        });
        List<Future<?>> all = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            all.add(threads.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    group.write(thread + ":" + i);
                    assertTrue(committed.contains(thread + ":" + i), "committed when write returns");
                }
            }));
        }
        for (Future<?> f : all) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertEquals(1600, committed.size());
        for (int t = 0; t < 8; t++) {
            int last = -1;
            for (String s : committed) {
                if (s.startsWith(t + ":")) {
                    int i = Integer.parseInt(s.substring(s.indexOf(':') + 1));
                    assertEquals(last + 1, i, "thread " + t + "'s writes in order");
                    last = i;
                }
            }
        }
    }
}
