package io.bgfetch.transfer;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a body into segments, one per connection. A body is always planned as ranges, even
 * with one connection, so that resuming and parallel connections are the same mechanism. While
 * the segments run, a connection that finished may split another ({@link SegmentQueue}).
 */
final class RangePlan {
    /** Below this, a further connection costs more than it brings. */
    static final long MIN_SEGMENT_BYTES = 1 << 20;

    private RangePlan() {
    }

    /**
     * @param size        the body's length, or -1 when unknown
     * @param connections the most connections wanted
     * @param splittable  the server accepts ranges and gave a validator
     */
    static List<Segment> plan(long size, int connections, boolean splittable) {
        return plan(size, connections, splittable, 0);
    }

    /** @param blockBytes the size of the blocks each segment is checksummed in (0: decided when it is first written) */
    static List<Segment> plan(long size, int connections, boolean splittable, int blockBytes) {
        if (size < 0) {
            return List.of(segment(0, 0, -1, blockBytes));
        }
        if (size == 0) {
            return List.of();
        }
        int n = splittable ? (int) Math.max(1, Math.min(connections, size / MIN_SEGMENT_BYTES)) : 1;
        List<Segment> plan = new ArrayList<>(n);
        long step = size / n;
        for (int i = 0; i < n; i++) {
            long start = i * step;
            long end = i == n - 1 ? size : start + step;
            plan.add(segment(i, start, end, blockBytes));
        }
        return plan;
    }

    private static Segment segment(int index, long start, long end, int blockBytes) {
        return new Segment(index, start, end, 0, 0, blockBytes, new long[0]);
    }

    /** Parses {@code Content-Range: bytes a-b/total}; returns {a, b, total} (total -1 for "*"), or null. */
    static long[] parseContentRange(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (!v.startsWith("bytes ")) {
            return null;
        }
        try {
            String rest = v.substring(6).trim();
            int slash = rest.indexOf('/');
            int dash = rest.indexOf('-');
            if (slash < 0 || dash < 0 || dash > slash) {
                return null;
            }
            long first = Long.parseLong(rest.substring(0, dash).trim());
            long last = Long.parseLong(rest.substring(dash + 1, slash).trim());
            String totalText = rest.substring(slash + 1).trim();
            long total = "*".equals(totalText) ? -1 : Long.parseLong(totalText);
            // RFC 9110 §14.4: first <= last, and last < total when the total is known.
            if (first < 0 || last < first || (total >= 0 && last >= total) || (total < -1)) {
                return null;
            }
            return new long[] {first, last, total};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
