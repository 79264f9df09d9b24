package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Which segment a free connection gets: the next one waiting, else half of the one with most left. */
class SegmentQueueTest {
    private static final long MIB = 1 << 20;
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final List<Segment[]> recorded = new ArrayList<>();
    private final Cancellation cancel = new Cancellation();

    private SegmentQueue queue(List<Segment> segments, boolean splittable) {
        return new SegmentQueue(segments, splittable, MIB, 5, (from, added) -> recorded.add(new Segment[] {from, added}),
                cancel, clock::get);
    }

    @Test
    void waitingSegmentsGoFirstInOrder() throws Exception {
        Segment a = new Segment(0, 0, 10 * MIB, 0);
        Segment b = new Segment(1, 10 * MIB, 20 * MIB, 0);
        SegmentQueue q = queue(List.of(a, b), true);

        assertSame(a, q.next());
        assertSame(b, q.next());
        assertEquals(List.of(), recorded);
    }

    @Test
    void aFreeConnectionSplitsTheSegmentWithTheMostLeftAndRecordsItFirst() throws Exception {
        Segment a = new Segment(0, 0, 10 * MIB, 0);
        Segment b = new Segment(1, 10 * MIB, 20 * MIB, 0);
        SegmentQueue q = queue(List.of(a, b), true);
        q.next();
        q.next();
        a.addWritten(9 * MIB);
        b.addWritten(2 * MIB);

        Segment added = q.next();

        assertEquals(5, added.index(), "numbered from the queue's next index");
        assertEquals(16 * MIB, added.start(), "half of b's 8 MiB left");
        assertEquals(20 * MIB, added.end());
        assertEquals(16 * MIB, b.end());
        assertEquals(1, recorded.size());
        assertSame(b, recorded.get(0)[0]);
        assertSame(added, recorded.get(0)[1]);
        assertEquals(6, q.next().index(), "the next split gets the next index");
    }

    @Test
    void theSegmentExpectedToEndLastIsSplitNotTheLargest() throws Exception {
        Segment fast = new Segment(0, 0, 100 * MIB, 0);
        Segment slow = new Segment(1, 100 * MIB, 130 * MIB, 0);
        SegmentQueue q = queue(List.of(fast, slow), true);
        q.next();
        q.next();
        clock.addAndGet(1_000_000_000L);
        fast.addWritten(50 * MIB); // 50 MiB left at 50 MiB/s: 1 s
        slow.addWritten(MIB); // 29 MiB left at 1 MiB/s: 29 s

        Segment added = q.next();

        assertSame(slow, splitOf(added), "29 s left beats 1 s, though the fast one holds more");
        assertEquals(115 * MIB + MIB / 2, added.start());
    }

    @Test
    void aSegmentThatBroughtNothingYetIsTheSlowestOfAll() throws Exception {
        Segment moving = new Segment(0, 0, 100 * MIB, 0);
        Segment stalled = new Segment(1, 100 * MIB, 110 * MIB, 0);
        SegmentQueue q = queue(List.of(moving, stalled), true);
        q.next();
        q.next();
        clock.addAndGet(1_000_000_000L);
        moving.addWritten(MIB); // 99 s left at its speed

        assertSame(stalled, splitOf(q.next()));
    }

    private Segment splitOf(Segment added) {
        Segment[] last = recorded.get(recorded.size() - 1);
        assertSame(added, last[1]);
        return last[0];
    }

    @Test
    void aSplitMustBeWorthMoreThanTwoAnswersOfTheVictimsSpeed() throws Exception {
        Segment a = new Segment(0, 0, 100 * MIB, 0);
        SegmentQueue q = queue(List.of(a), true);
        q.next();
        clock.addAndGet(1_000_000_000L); // a second later, a has 10 MiB: 10 MiB/s
        a.addWritten(10 * MIB);
        q.answered(5_000_000_000L); // a request took 5 s to be answered: each half needs 100 MiB

        assertNull(q.next(), "90 MiB left: halves of 45 MiB are not worth a request that slow");
        assertEquals(100 * MIB, a.end());

        SegmentQueue quick = queue(List.of(a), true);
        quick.next();
        clock.addAndGet(1_000_000_000L);
        a.addWritten(10 * MIB); // 10 MiB in the second since this queue handed it out
        quick.answered(100_000_000L); // answers in 0.1 s: halves of 2 MiB are worth it
        Segment added = quick.next();
        assertEquals(60 * MIB, added.start());
    }

    @Test
    void aSegmentNotStreamingYetIsSplitDownToTheFloor() throws Exception {
        Segment a = new Segment(0, 0, 200 << 10, 0);
        SegmentQueue q = queue(List.of(a), true);
        q.next();
        q.answered(1_000_000_000L);

        Segment added = q.next();

        assertEquals(100 << 10, added.start(), "halves of 100 KiB: over the 64 KiB floor");
        assertNull(q.next(), "halves of 50 KiB would be under it");
    }

    @Test
    void anUnsplittableBodyOrACancelledOneGetsNothingMore() throws Exception {
        Segment a = new Segment(0, 0, 100 * MIB, 0);
        SegmentQueue q = queue(List.of(a), false);
        q.next();
        assertNull(q.next());

        SegmentQueue cancelled = queue(List.of(new Segment(1, 0, 100 * MIB, 0)), true);
        cancel.cancel();
        assertNull(cancelled.next());
        assertEquals(List.of(), recorded);
    }

    @Test
    void connectionsAreOneASegmentOrMoreWhileEachGetsTheMinimum() {
        List<Segment> one = List.of(new Segment(0, 0, 100 * MIB, 98 * MIB)); // 2 MiB left
        assertEquals(2, queue(one, true).connections(8));
        assertEquals(1, queue(one, false).connections(8));
        List<Segment> three = List.of(new Segment(0, 0, MIB / 2, 0), new Segment(1, MIB / 2, MIB, 0),
                new Segment(2, MIB, 3 * MIB / 2, 0));
        assertEquals(3, queue(three, true).connections(8), "never fewer than the segments");
        assertEquals(8, queue(List.of(new Segment(0, 0, 100 * MIB, 0)), true).connections(8));
    }
}
