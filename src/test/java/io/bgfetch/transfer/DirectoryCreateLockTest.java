package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Poll;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryCreateLockTest {
    @TempDir
    Path tmp;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aSecondCreationInTheSameDirectoryWaitsForTheFirst() throws Exception {
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicBoolean firstDone = new AtomicBoolean();
        Future<?> first = pool.submit(() -> {
            DirectoryCreateLock.creating(tmp, () -> {
                firstInside.countDown();
                await(releaseFirst);
                Files.createFile(tmp.resolve("a"));
                firstDone.set(true);
            });
            return null;
        });
        assertTrue(firstInside.await(10, TimeUnit.SECONDS));
        AtomicReference<Thread> secondThread = new AtomicReference<>();
        Future<Boolean> second = pool.submit(() -> {
            secondThread.set(Thread.currentThread());
            boolean[] sawFirstDone = new boolean[1];
            DirectoryCreateLock.creating(tmp, () -> {
                sawFirstDone[0] = firstDone.get();
                Files.createFile(tmp.resolve("b"));
            });
            return sawFirstDone[0];
        });
        // Without the lock the second would not block: it would create its file and end at once.
        Poll.until(Duration.ofSeconds(10), () -> secondThread.get() != null
                && secondThread.get().getState() == Thread.State.BLOCKED, "the second creation waits");
        assertFalse(second.isDone());
        releaseFirst.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertTrue(second.get(10, TimeUnit.SECONDS), "the second creation ran before the first had ended");
        assertTrue(Files.exists(tmp.resolve("a")) && Files.exists(tmp.resolve("b")));
    }

    @Test
    void creationsInOtherDirectoriesDoNotWait() throws Exception {
        Path one = tmp.resolve("one");
        Path other = tmp.resolve("other-0");
        for (int i = 1; DirectoryCreateLock.stripe(other) == DirectoryCreateLock.stripe(one); i++) {
            other = tmp.resolve("other-" + i);
        }
        assertNotEquals(DirectoryCreateLock.stripe(one), DirectoryCreateLock.stripe(other));
        Files.createDirectories(one);
        Files.createDirectories(other);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holder = pool.submit(() -> {
            DirectoryCreateLock.creating(one, () -> {
                held.countDown();
                await(release);
            });
            return null;
        });
        assertTrue(held.await(10, TimeUnit.SECONDS));
        Path target = other.resolve("f");
        // While the first directory is held: a creation that waited for it would time out here.
        Future<?> meanwhile = pool.submit(() -> {
            DirectoryCreateLock.creating(target.getParent(), () -> Files.createFile(target));
            return null;
        });
        meanwhile.get(10, TimeUnit.SECONDS);
        assertTrue(Files.exists(target));
        release.countDown();
        holder.get(10, TimeUnit.SECONDS);
    }

    @Test
    void whatTheCreationThrowsReachesTheCaller() throws Exception {
        Files.createFile(tmp.resolve("taken"));
        Exception e = assertThrows(FileAlreadyExistsException.class,
                () -> DirectoryCreateLock.creating(tmp, () -> Files.createFile(tmp.resolve("taken"))));
        assertEquals(tmp.resolve("taken").toString(), e.getMessage());
        // and the lock was let go: the next creation there goes ahead
        DirectoryCreateLock.creating(tmp, () -> Files.createFile(tmp.resolve("next")));
        assertTrue(Files.exists(tmp.resolve("next")));
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
