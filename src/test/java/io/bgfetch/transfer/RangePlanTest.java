package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RangePlanTest {
    private static final long MIB = RangePlan.MIN_SEGMENT_BYTES;

    @Test
    void unknownSizeGivesOneOpenSegment() {
        List<Segment> plan = RangePlan.plan(-1, 8, true);
        assertEquals(1, plan.size());
        Segment s = plan.get(0);
        assertEquals(0, s.index());
        assertEquals(0, s.start());
        assertEquals(-1, s.end());
        assertEquals(0, s.written());
        assertTrue(!s.isComplete(), "an open segment is never complete");
    }

    @Test
    void emptyBodyGivesNoSegments() {
        assertEquals(List.of(), RangePlan.plan(0, 4, true));
        assertEquals(List.of(), RangePlan.plan(0, 1, false));
    }

    @ParameterizedTest(name = "size={0} connections={1}")
    @CsvSource({
            "1, 1",
            "1, 16",
            "1048575, 4",
            "1048576, 4",
            "2097151, 4",
            "2097152, 4",
            "10485760, 4",
            "10485763, 3",
            "10485763, 7",
            "3145728, 100",
            "5000000000, 16",
            "104857601, 1",
    })
    void splitsCoverTheBodyExactlyWithoutOverlap(long size, int connections) {
        List<Segment> plan = RangePlan.plan(size, connections, true);
        assertTrue(!plan.isEmpty());
        assertTrue(plan.size() <= connections, "no more segments than connections");
        long cursor = 0;
        for (int i = 0; i < plan.size(); i++) {
            Segment s = plan.get(i);
            assertEquals(i, s.index());
            assertEquals(cursor, s.start(), "segment " + i + " starts where the previous ended");
            assertTrue(s.end() > s.start(), "segment " + i + " is not empty");
            assertEquals(0, s.written());
            cursor = s.end();
        }
        assertEquals(size, cursor, "the last segment ends at the body's end");
    }

    @ParameterizedTest(name = "size={0} connections={1}")
    @CsvSource({
            "1048575, 4, 1",
            "1048576, 4, 1",
            "2097151, 4, 1",
            "2097152, 4, 2",
            "2621440, 8, 2",
            "10485760, 4, 4",
            "10485760, 16, 10",
    })
    void minimumSegmentSizeIsRespected(long size, int connections, int expectedSegments) {
        List<Segment> plan = RangePlan.plan(size, connections, true);
        assertEquals(expectedSegments, plan.size());
        if (plan.size() > 1) {
            for (Segment s : plan) {
                assertTrue(s.end() - s.start() >= MIB, "segment " + s.index() + " is at least the minimum");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 1048576, 10485760, 5000000000L})
    void unsplittableBodyGivesOneSegment(long size) {
        List<Segment> plan = RangePlan.plan(size, 8, false);
        assertEquals(1, plan.size());
        assertEquals(0, plan.get(0).start());
        assertEquals(size, plan.get(0).end());
    }

    @Test
    void parsesAValidContentRange() {
        assertArrayEquals(new long[] {0, 99, 1000}, RangePlan.parseContentRange("bytes 0-99/1000"));
        assertArrayEquals(new long[] {500, 999, 1000}, RangePlan.parseContentRange("  bytes 500-999/1000 "));
        assertArrayEquals(new long[] {4294967296L, 6442450943L, 6442450944L},
                RangePlan.parseContentRange("bytes 4294967296-6442450943/6442450944"));
    }

    @Test
    void parsesAnUnknownTotal() {
        assertArrayEquals(new long[] {10, 19, -1}, RangePlan.parseContentRange("bytes 10-19/*"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "garbage",
            "bytes",
            "bytes ",
            "items 0-9/10",
            "bytes */1000",
            "bytes 0-/1000",
            "bytes -9/1000",
            "bytes a-b/c",
            "bytes 0-9",
            "bytes 0-9/ten",
            "bytes 0/9-10",
            "bytes -5-10/20",
    })
    void rejectsGarbage(String value) {
        assertNull(RangePlan.parseContentRange(value));
    }

    @Test
    void rejectsNull() {
        assertNull(RangePlan.parseContentRange(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes 100-50/1000", "bytes 5--3/20"})
    void rejectsInvertedOrNegativeRanges(String value) {
        assertNull(RangePlan.parseContentRange(value));
    }

    @Test
    void rejectsATotalInsideTheRange() {
        assertNull(RangePlan.parseContentRange("bytes 0-99/50"));
    }
}
