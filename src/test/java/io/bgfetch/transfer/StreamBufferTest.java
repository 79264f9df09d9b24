package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The read buffer's size follows its stream's speed, on a clock the test moves. */
class StreamBufferTest {
    private static final int MAX = 256 << 10;
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * MS);

    @BeforeEach
    void noSpareFromAnotherTest() {
        buffer(1).release(); // the thread's spare is now a 1-byte array, too small for any test's stream
    }

    private StreamBuffer buffer(long bodyBytes) {
        return new StreamBuffer(MAX, bodyBytes, now::get);
    }

    /** Fills the buffer {@code times} times, each fill taking {@code nanos}; returns the size it ends at. */
    private int fills(StreamBuffer b, int times, long nanos) {
        for (int i = 0; i < times; i++) {
            now.addAndGet(nanos);
            b.emptied();
        }
        return b.size();
    }

    @Test
    void aStreamOfUnknownSpeedStartsSmall() {
        assertEquals(StreamBuffer.START_BYTES, buffer(-1).size());
        assertEquals(StreamBuffer.START_BYTES, buffer(1L << 30).size());
    }

    @Test
    void aSmallBodyGetsOneBufferOfItsSize() {
        assertEquals(100 << 10, buffer(100 << 10).size());
        assertEquals(MAX, buffer(MAX).size());
        assertEquals(1, buffer(0).size());
    }

    @Test
    void aFastStreamReachesTheLargestSizeAfterItsFirstMegabyte() {
        StreamBuffer b = buffer(-1);
        assertEquals(16 << 10, fills(b, 63, 16 * US), "judged over a whole window");
        assertEquals(MAX, fills(b, 1, 16 * US)); // 1 MiB at 1 GB/s
        assertEquals(MAX, fills(b, 100, 250 * US));
    }

    @Test
    void aModerateStreamGetsWhatFillsInTenMilliseconds() {
        StreamBuffer b = buffer(-1);
        assertEquals(64 << 10, fills(b, 64, 4 * MS)); // 4 MB/s: 40 KB in 10 ms
    }

    @Test
    void aBurstAtTheStartDoesNotGrowASlowStream() {
        StreamBuffer b = buffer(-1);
        fills(b, 4, 10 * US); // 64 KiB at once, as nginx's limit_rate starts
        assertEquals(16 << 10, fills(b, 4, 250 * MS)); // then 64 KiB/s
        assertEquals(16 << 10, fills(b, 40, 250 * MS));
    }

    @Test
    void aStreamThatSlowsDownGivesTheMemoryBackAfterTwoSeconds() {
        StreamBuffer b = buffer(-1);
        fills(b, 64, 16 * US);
        assertEquals(MAX, b.size());
        assertEquals(MAX, fills(b, 1, 1_000 * MS), "one slow second is not yet a slow stream"); // 256 KiB/s
        assertEquals(StreamBuffer.START_BYTES, fills(b, 1, 1_000 * MS));
    }

    @Test
    void aStreamThatSlowsDownShrinksToTheFastestOfItsSlowWindows() {
        StreamBuffer b = buffer(-1);
        fills(b, 64, 16 * US);
        fills(b, 16, 65 * MS); // 4 MB/s for a second: 64 KiB would do
        assertEquals(MAX, b.size());
        fills(b, 1, 1_000 * MS); // then 256 KiB/s
        assertEquals(64 << 10, b.size());
    }

    @Test
    void aPacedServersBurstsKeepOneBuffer() {
        // nginx's limit_rate 20m: 2 MiB at wire speed, then 100 ms of nothing, over and over.
        StreamBuffer b = buffer(-1);
        fills(b, 64, 16 * US);
        byte[] first = b.array();
        for (int burst = 0; burst < 50; burst++) {
            fills(b, 7, 250 * US);
            fills(b, 1, 98 * MS);
            assertTrue(first == b.array(), "a new array after burst " + burst);
        }
    }

    @Test
    void aThreadsNextStreamReadsIntoTheArrayItsLastOneReleased() {
        StreamBuffer first = buffer(100 << 10);
        first.release();
        StreamBuffer next = buffer(100 << 10);
        assertTrue(first.array() == next.array());
        StreamBuffer third = buffer(100 << 10);
        assertTrue(third.array() != next.array(), "one stream at a time takes the spare");
    }

    @Test
    void aSpareTooSmallOrMoreThanTwiceTooLargeIsLeft() {
        StreamBuffer large = buffer(MAX);
        large.release();
        assertTrue(buffer(100 << 10).array() != large.array(), "256 KiB for a 100 KiB body");
        StreamBuffer fits = buffer(200 << 10);
        assertTrue(fits.array() == large.array());
        assertEquals(200 << 10, fits.size(), "it still reads 200 KiB at a time");
        fits.release();
        assertTrue(buffer(MAX).array() == large.array());
        buffer(64 << 10).release();
        assertEquals(MAX, buffer(MAX).array().length);
    }

    @Test
    void aBodyJustUnderTheLargestSizeReusesTheLargestSpare() {
        StreamBuffer large = buffer(MAX);
        large.release();
        StreamBuffer b = new StreamBuffer(MAX, MAX - 1, now::get); // a body just under the largest size
        assertTrue(b.array() == large.array());
        assertEquals(MAX - 1, b.size());
    }

    @Test
    void aSmallLargestSizeBoundsTheStart() {
        assertEquals(8 << 10, new StreamBuffer(8 << 10, -1, now::get).size());
    }
}
