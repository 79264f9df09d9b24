package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** A segment gives the second half of its unclaimed bytes away, never bytes a write has claimed. */
class SegmentSplitTest {
    @Test
    void aSplitGivesAwayTheSecondHalfOfWhatIsLeft() {
        Segment s = new Segment(3, 1000, 2000, 200);

        Segment tail = s.splitOff(7, 10);

        assertEquals(7, tail.index());
        assertEquals(1600, tail.start(), "halfway between the position (1200) and the end");
        assertEquals(2000, tail.end());
        assertEquals(0, tail.written());
        assertEquals(1600, s.end(), "the segment now ends where the new one starts");
        assertEquals(400, s.unclaimed());
    }

    @Test
    void bytesClaimedByAWriteInProgressStayWithTheSegment() {
        Segment s = new Segment(0, 0, 1000, 0);
        assertEquals(600, s.claim(600), "a write claims its bytes before it is made");

        Segment tail = s.splitOff(1, 10);

        assertEquals(800, tail.start(), "the split falls after the claimed bytes: (600 + 1000) / 2");
        s.addWritten(600);
        assertEquals(200, s.claim(500), "a later write is cut at the new end; the rest is the new segment's");
        s.addWritten(200);
        assertEquals(0, s.claim(100));
        assertEquals(true, s.isComplete());
    }

    @Test
    void noSplitLeavesAHalfUnderTheMinimum() {
        Segment s = new Segment(0, 0, 1000, 0);
        assertNull(s.splitOff(1, 501));
        assertEquals(1000, s.end());
        assertEquals(500, s.splitOff(1, 500).start());
    }

    @Test
    void aBodyOfUnknownLengthIsNeverSplit() {
        Segment s = new Segment(0, 0, -1, 0);
        assertEquals(0, s.unclaimed());
        assertNull(s.splitOff(1, 1));
        assertEquals(4096, s.claim(4096), "an open end claims whatever comes");
    }
}
