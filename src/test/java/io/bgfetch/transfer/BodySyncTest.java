package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The background syncs of many bodies at once. */
@Timeout(30)
class BodySyncTest {
    private static final int BODIES = 40;

    @TempDir
    Path dir;

    @Test
    void manyBodiesDueAtOnceShareAFewSyncThreadsAndAllBecomeDurable() throws Exception {
        RecordingDisk disk = new RecordingDisk();
        CountDownLatch release = new CountDownLatch(1);
        disk.holdForces = release; // every fsync waits until the test lets it go
        TransferSettings settings = TransferSettings.defaults().withDisk(disk).withSync(Duration.ofHours(1), 64 << 10);
        Recorder listener = new Recorder();
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
            assertTrue(disk.forceStarts.tryAcquire(4, 10, TimeUnit.SECONDS), "four syncs began");
            assertEquals(4, disk.forcesBegun.get(), "four syncs run at once, the others wait their turn");
            assertTrue(syncThreads() - threadsBefore <= 4, "at most four fsync threads, not one per body: "
                    + (syncThreads() - threadsBefore));
            release.countDown();
            for (BodySync sync : syncs) {
                sync.finish(); // waits for its background sync
            }
            assertEquals(BODIES, listener.durables.size(), "every body was marked durable once");
            assertTrue(listener.durables.stream().allMatch(d -> d.get(1) == 100 << 10));
        } finally {
            release.countDown();
            files.forEach(BodyFile::close);
        }
    }

    private static int syncThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("bgfetch-fsync") && t.isAlive()).count();
    }
}
