package io.bgfetch.transfer;

import java.util.function.LongSupplier;

/**
 * One stream's read buffer, sized to how fast its bytes arrive. A buffer costs its size twice:
 * the array, and the JDK's direct copy of it that {@code FileChannel} writes (and socket reads)
 * go through, which each thread keeps at the largest size it ever used. A hundred slow transfers
 * with the largest buffer each would hold 50 MiB to move a few MiB a second. A fast stream needs
 * it large: one write per 256 KiB keeps the syscalls few at a GiB a second.
 *
 * <p>So a stream starts small ({@link #START_BYTES}, or its body's size when the whole body is
 * known to fit under the largest size: one write for a small file). Its speed is judged over a
 * window of {@link #WINDOW_BYTES} or {@link #WINDOW_NANOS}, whichever comes first, and the buffer
 * then takes the size that fills in about {@link #FILL_NANOS} (a power of two, within bounds):
 * a fast stream reaches the largest size after its first MiB, a slow one stays small, one that
 * slows down gives the memory back. A window, not one fill, because a server that limits its
 * rate often sends a first burst at full speed (nginx sends a second's worth at once): a burst
 * must not make a slow stream's buffer (and its thread's cached direct copy) large.
 *
 * <p>It grows at once but shrinks only after the stream has been slower for {@link #SHRINK_NANOS}:
 * a server that paces its sending (nginx's {@code limit_rate} sends 2 MiB at wire speed, then
 * waits 100 ms) makes windows alternate between fast and slow, and following each of them
 * allocated a new array every window (86 MB of garbage and eight full collections in one 512 MiB
 * download over 8 connections capped at 20 MiB/s, measured).
 *
 * <p>A transfer thread runs one record after another; the array of its last stream is kept for
 * the next ({@link #release()}), when it is big enough and at most twice what that stream needs.
 * 1000 small files of the same size then take one array per thread instead of one per file (a
 * new 100 KiB array per file made 41 young and 3 full collections per 1000 files, measured).
 */
final class StreamBuffer {
    /** Where a stream of unknown speed starts, and the smallest buffer. */
    static final int START_BYTES = 16 << 10;
    /** How long one buffer should take to fill: at most 100 writes a second, at least 10. */
    static final long FILL_NANOS = 10_000_000L;
    /** The speed is judged over this many bytes... */
    static final long WINDOW_BYTES = 1 << 20;
    /** ...or this long, whichever comes first. */
    static final long WINDOW_NANOS = 1_000_000_000L;
    /** A stream must be slower than its buffer for this long before the buffer shrinks. */
    static final long SHRINK_NANOS = 2_000_000_000L;

    /** Per thread, the array its last stream released, or null. */
    private static final ThreadLocal<byte[]> SPARE = new ThreadLocal<>();

    private final int max;
    private final int min;
    private final LongSupplier clock;
    /** What the stream reads into: its first {@link #size} bytes. */
    private byte[] array;
    private int size;
    private long windowStart;
    private long windowBytes;
    /** When the stream first became slower than its buffer (the start of that window), or -1. */
    private long slowerSince = -1;
    /** The largest size the windows since {@link #slowerSince} asked for. */
    private int shrinkTo;

    /**
     * @param max       the largest buffer (one positional write)
     * @param bodyBytes the bytes the stream will bring at most, or a negative number when unknown
     * @param clock     nanoseconds ({@code System::nanoTime}; tests give their own)
     */
    StreamBuffer(int max, long bodyBytes, LongSupplier clock) {
        this.max = Math.max(1, max);
        this.min = Math.min(START_BYTES, this.max);
        this.clock = clock;
        int first = bodyBytes >= 0 && bodyBytes <= this.max ? (int) Math.max(bodyBytes, 1) : min;
        byte[] spare = SPARE.get();
        if (spare != null && spare.length >= first && spare.length / 2 <= first) {
            SPARE.remove();
            this.array = spare;
        } else {
            this.array = new byte[first];
        }
        this.size = first;
        this.windowStart = clock.getAsLong();
    }

    /** The array to read into; it changes only in {@link #emptied()}. */
    byte[] array() {
        return array;
    }

    /** How much of {@link #array()} to fill before writing it (its length may be larger). */
    int size() {
        return size;
    }

    /** The stream is over: its array is kept for this thread's next stream. */
    void release() {
        SPARE.set(array);
    }

    /**
     * The stream filled {@link #size()} bytes and they were written: returns the array to fill
     * next, grown at the end of a window that was faster, shrunk when the windows of the last
     * {@link #SHRINK_NANOS} were all slower. Its contents are not kept.
     */
    byte[] emptied() {
        windowBytes += size;
        long now = clock.getAsLong();
        long took = now - windowStart;
        if (windowBytes < WINDOW_BYTES && took < WINDOW_NANOS) {
            return array;
        }
        int wanted = sizeFor(windowBytes, took);
        if (wanted >= size) {
            slowerSince = -1;
        } else if (slowerSince < 0) {
            slowerSince = windowStart;
            shrinkTo = wanted;
        } else {
            shrinkTo = Math.max(shrinkTo, wanted);
        }
        windowStart = now;
        windowBytes = 0;
        if (wanted > size) {
            if (wanted > array.length) {
                array = new byte[wanted];
            }
            size = wanted;
        } else if (slowerSince >= 0 && now - slowerSince >= SHRINK_NANOS) {
            array = new byte[shrinkTo];
            size = shrinkTo;
            slowerSince = -1;
        }
        return array;
    }

    /** The power of two that {@code bytes} in {@code nanos} fill in about {@link #FILL_NANOS}, within bounds. */
    private int sizeFor(long bytes, long nanos) {
        double wanted = (double) bytes * FILL_NANOS / Math.max(1, nanos);
        if (wanted >= max) {
            return max;
        }
        long w = Math.max(1, (long) Math.ceil(wanted));
        long power = Long.highestOneBit(w) == w ? w : Long.highestOneBit(w) << 1;
        return (int) Math.max(min, Math.min(max, power));
    }
}
