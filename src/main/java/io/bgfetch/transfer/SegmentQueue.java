package io.bgfetch.transfer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Hands one attempt's segments to its connections. Each connection takes the next segment not
 * started yet; when there is none, it takes over the second half of the unclaimed bytes of the
 * segment expected to end last (work stealing, as aria2 and axel do), when that pays.
 *
 * <p>Why: an even split ends when its slowest connection ends. Connections are rarely equal (a
 * server or a route that is busier for some, a mirror of a CDN that is farther, a per-connection
 * cap whose timers run late under load), so without stealing the connections that finished first
 * sit idle while the last one fetches its range alone. A split costs one ranged request (proven
 * by If-Range like any resume) and ends the slower connection's response early (it is aborted
 * at its new end). It pays when the slower connection would take longer to fetch the half it
 * gives away than a new request takes to answer: so each half must hold at least what that
 * connection brings, at its speed so far, in twice the slowest answer this body's requests
 * have had ({@link #answered}), and never less than {@link #MIN_SPLIT_BYTES}. On a fast link
 * close by, the last bytes are shared out finely; across the world, only large ranges are.
 *
 * <p>A split is recorded ({@link Splits#split}) before the new segment is handed out: its
 * progress is never recorded before the segment itself is.
 */
final class SegmentQueue {
    /** Records a split: the plan in memory and the store learn of the new segment. */
    interface Splits {
        void split(Segment from, Segment added) throws TransferFailure.Permanent;
    }

    /** The smallest half a split leaves on either side. */
    static final long MIN_SPLIT_BYTES = 64 << 10;

    private final Deque<Segment> waiting;
    /** Each segment handed out, with when and at which position (its speed is measured from there). */
    private final Map<Segment, long[]> handedOut = new LinkedHashMap<>();
    private final boolean splittable;
    private final long minConnectionBytes;
    private final Splits splits;
    private final Cancellation cancel;
    private final LongSupplier clock;
    private int nextIndex;
    /** The slowest answer to a request of this body so far, in nanoseconds. */
    private long slowestAnswer;

    /**
     * @param segments           the segments to fill, in the order they are handed out
     * @param splittable         whether a segment may be split (the server honours ranges with a validator)
     * @param minConnectionBytes the fewest bytes worth a connection of their own (how many to open)
     * @param nextIndex          the index of the first new segment (above every index of the body's plan)
     * @param cancel             once cancelled, no more segments are handed out
     * @param clock              nanoseconds ({@code System::nanoTime}; tests give their own)
     */
    SegmentQueue(List<Segment> segments, boolean splittable, long minConnectionBytes, int nextIndex, Splits splits,
                 Cancellation cancel, LongSupplier clock) {
        this.waiting = new ArrayDeque<>(segments);
        this.splittable = splittable;
        this.minConnectionBytes = minConnectionBytes;
        this.nextIndex = nextIndex;
        this.splits = splits;
        this.cancel = cancel;
        this.clock = clock;
    }

    /**
     * How many connections the segments can keep busy, at most {@code connections}: one a
     * segment, and with splits, more while every one of them gets at least {@link #minBytes} (a
     * resumed body with one long segment left uses all its connections again).
     */
    synchronized int connections(int connections) {
        int n = waiting.size();
        if (!splittable) {
            return n;
        }
        long left = 0;
        for (Segment s : waiting) {
            left += s.unclaimed();
        }
        return (int) Math.max(n, Math.min(connections, left / Math.max(1, minConnectionBytes)));
    }

    /** A request of this body was answered (its response head came) {@code nanos} after it was sent. */
    synchronized void answered(long nanos) {
        slowestAnswer = Math.max(slowestAnswer, nanos);
    }

    /** The next segment for a connection that is free, or null when there is nothing worth its while. */
    synchronized Segment next() throws TransferFailure.Permanent {
        if (cancel.isCancelled()) {
            return null;
        }
        Segment s = waiting.poll();
        if (s == null && splittable) {
            s = splitSlowest();
        }
        if (s != null) {
            handedOut.put(s, new long[] {clock.getAsLong(), s.position()});
        }
        return s;
    }

    /**
     * Splits the segment expected to end last (what it has left at its speed so far; one that
     * brought nothing yet, stalled or not answered, first, the largest of them first), or the
     * next one when that one's halves would be too small to pay.
     */
    private Segment splitSlowest() throws TransferFailure.Permanent {
        List<Segment> bySlowest = new ArrayList<>(handedOut.keySet());
        bySlowest.removeIf(seg -> seg.unclaimed() < 2 * MIN_SPLIT_BYTES);
        bySlowest.sort(Comparator.comparingDouble(this::nanosLeft).thenComparingLong(Segment::unclaimed).reversed());
        for (Segment victim : bySlowest) {
            Segment added = victim.splitOff(nextIndex, minHalf(victim));
            if (added != null) {
                nextIndex++;
                splits.split(victim, added);
                return added;
            }
        }
        return null;
    }

    /** How long {@code s} will take for its unclaimed bytes at its speed since it was handed out. */
    private double nanosLeft(Segment s) {
        long[] from = handedOut.get(s);
        long bytes = s.position() - from[1];
        if (bytes <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        return (double) s.unclaimed() * (clock.getAsLong() - from[0]) / bytes;
    }

    /**
     * The smallest half worth splitting {@code victim} into: what it fetches, at its speed since
     * it was handed out, in twice the slowest answer seen (a new request must start before the
     * victim would have reached the bytes it gives away).
     */
    private long minHalf(Segment victim) {
        long[] from = handedOut.get(victim);
        long nanos = clock.getAsLong() - from[0];
        long bytes = victim.position() - from[1];
        if (nanos <= 0 || bytes <= 0) {
            return MIN_SPLIT_BYTES; // not streaming yet: nothing is lost by sharing its range
        }
        double inAnswers = (double) bytes * 2 * slowestAnswer / nanos;
        return (long) Math.max(MIN_SPLIT_BYTES, Math.min(Long.MAX_VALUE / 4, inAnswers));
    }
}
