package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The background syncs of many bodies at once. */
@Timeout(30)
class BodySyncTest {
    private static final int BODIES = 40;

    @TempDir
    Path dir;

    /** The file system, except that an fsync waits until the test lets it go. */
    private static final class HeldSyncs implements BodyDisk {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger started = new AtomicInteger();

        @Override
        public Handle open(Path path) throws IOException {
            Handle real = FILES.open(path);
            return new Handle() {
                @Override
                public int write(ByteBuffer src, long position) throws IOException {
                    return real.write(src, position);
                }

                @Override
                public int read(ByteBuffer dst, long position) throws IOException {
                    return real.read(dst, position);
                }

                @Override
                public void force() throws IOException {
                    started.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    real.force();
                }

                @Override
                public void truncate(long size) throws IOException {
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
        public void forceDirectory(Path d) throws IOException {
            FILES.forceDirectory(d);
        }
    }

    @Test
    void manyBodiesDueAtOnceShareAFewSyncThreadsAndAllBecomeDurable() throws Exception {
        HeldSyncs disk = new HeldSyncs();
        TransferSettings settings = TransferSettings.defaults().withDisk(disk).withSync(Duration.ofHours(1), 64 << 10);
        RecordDownloadTest.Recorder listener = new RecordDownloadTest.Recorder();
        List<BodyFile> files = new ArrayList<>();
        List<BodySync> syncs = new ArrayList<>();
        int threadsBefore = syncThreads();
        try {
            for (int i = 0; i < BODIES; i++) {
                BodyFile body = BodyFile.open(disk, dir.resolve("body-" + i));
                files.add(body);
                body.write(ByteBuffer.wrap(new byte[100 << 10]), 0);
                Segment segment = new Segment(0, 0, 1 << 20, 0); // nothing durable yet
                BodySync sync = new BodySync(body, listener, settings);
                syncs.add(sync);
                sync.recorded(segment, 100 << 10, 100 << 10); // over the 64 KiB budget: a sync is due
            }
            // Every body's sync is queued or running, and the running ones are held in fsync.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (disk.started.get() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(4, disk.started.get(), "four syncs run at once, the others wait their turn");
            assertTrue(syncThreads() - threadsBefore <= 4, "at most four fsync threads, not one per body: "
                    + (syncThreads() - threadsBefore));
            disk.release.countDown();
            for (BodySync sync : syncs) {
                sync.finish(); // waits for its background sync
            }
            assertEquals(BODIES, listener.durables.size(), "every body was marked durable once");
            assertTrue(listener.durables.stream().allMatch(d -> d.get(1) == 100 << 10));
        } finally {
            disk.release.countDown();
            files.forEach(BodyFile::close);
        }
    }

    private static int syncThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("bgfetch-fsync") && t.isAlive()).count();
    }
}
