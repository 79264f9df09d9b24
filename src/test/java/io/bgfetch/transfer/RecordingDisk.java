package io.bgfetch.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The real file system, with a log of the operations that matter for durability, in order. */
final class RecordingDisk implements BodyDisk {
    /** "write", "truncate", "force", in the order they happened (and whatever a test adds). */
    final List<String> events = new CopyOnWriteArrayList<>();
    /**
     * While set and not counted down, every fsync after the first {@link #freeForces} waits for
     * it (at most 20 s): the disk is slow.
     */
    volatile CountDownLatch holdForces;
    volatile int freeForces;
    /** fsyncs begun, held or not (a held one is not in {@link #events} yet). */
    final AtomicInteger forcesBegun = new AtomicInteger();
    /** A permit for each fsync begun: a test waits for the ones it expects, with no polling. */
    final Semaphore forceStarts = new Semaphore(0);

    @Override
    public Handle open(Path path) throws IOException {
        Handle real = FILES.open(path);
        return new Handle() {
            @Override
            public int write(ByteBuffer src, long position) throws IOException {
                events.add("write");
                return real.write(src, position);
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return real.read(dst, position);
            }

            @Override
            public void force() throws IOException {
                forcesBegun.incrementAndGet();
                forceStarts.release();
                CountDownLatch hold = holdForces;
                if (hold != null && events.stream().filter("force"::equals).count() >= freeForces) {
                    try {
                        hold.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                real.force();
                events.add("force");
            }

            @Override
            public void truncate(long size) throws IOException {
                events.add("truncate");
                real.truncate(size);
            }

            @Override
            public long size() throws IOException {
                return real.size();
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        };
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        FILES.forceDirectory(dir);
        events.add("forceDirectory");
    }
}
