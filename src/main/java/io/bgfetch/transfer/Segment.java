package io.bgfetch.transfer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One byte range of a body, fetched over one connection: bytes [start, end) of the resource.
 * {@code end} is -1 while the body's length is unknown. {@link #written} counts bytes written
 * to the body file from {@code start} (readable by others, maybe not yet durable);
 * {@link #durable} those known to be fsynced.
 *
 * <p>The segment is cut into blocks of {@link #blockBytes} from its start, each with a CRC32C
 * recorded as it fills. A segment read back from the store carries the recorded checksums
 * ({@link #storedCrc}) so that bytes written but perhaps not durable can be checked against
 * the file before they are trusted.
 *
 * <p>A segment being fetched can give the second half of what it has left to a new segment
 * ({@link #splitOff}): a connection that finished its own takes it over. Its writes
 * {@link #claim} their bytes first, so that no write in progress ever crosses its new end.
 */
public final class Segment {
    /** A stored checksum that is missing. */
    public static final long NO_CRC = -1;

    private final int index;
    private final long start;
    private volatile long end;
    private final AtomicLong written;
    private volatile long durable;
    private volatile int blockBytes;
    private final long[] storedCrcs;
    /** Where the bytes of the last {@link #claim} end (the resource's offset); guarded by this. */
    private long claimed;

    /** A segment whose written bytes are all durable, with no stored checksums. */
    public Segment(int index, long start, long end, long written) {
        this(index, start, end, written, written, 0, new long[0]);
    }

    /**
     * @param blockBytes the block size of {@code storedCrcs}; 0 when unknown yet
     * @param storedCrcs the recorded checksum of each block (unsigned 32 bits), or {@link #NO_CRC}
     */
    public Segment(int index, long start, long end, long written, long durable, int blockBytes, long[] storedCrcs) {
        this.index = index;
        this.start = start;
        this.end = end;
        this.written = new AtomicLong(written);
        this.durable = Math.min(durable, written);
        this.blockBytes = blockBytes;
        this.storedCrcs = storedCrcs.clone();
        this.claimed = start + written;
    }

    public int index() {
        return index;
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    void endAt(long end) {
        this.end = end;
    }

    public long written() {
        return written.get();
    }

    void addWritten(long n) {
        written.addAndGet(n);
    }

    /** Bytes from {@code start} fsynced and recorded as such. */
    public long durable() {
        return durable;
    }

    void markDurable(long bytes) {
        durable = Math.max(durable, bytes);
    }

    /** The segment holds only its first {@code bytes} (a repair at resume). */
    void cutBack(long bytes) {
        written.set(bytes);
        durable = Math.min(durable, bytes);
    }

    /** The size of the blocks its checksums cover; 0 until the segment is first written. */
    public int blockBytes() {
        return blockBytes;
    }

    /** Fixes the block size of a segment that had none (one made before it was ever written). */
    void useBlockBytes(int bytes) {
        if (blockBytes <= 0) {
            blockBytes = bytes;
        }
    }

    /** The checksum recorded for block {@code blk}, or {@link #NO_CRC}. */
    long storedCrc(int blk) {
        return blk < storedCrcs.length ? storedCrcs[blk] : NO_CRC;
    }

    /** The next byte of the resource this segment needs. */
    public long position() {
        return start + written.get();
    }

    /**
     * The next {@code n} bytes are about to be written at {@link #position()}: returns how many of
     * them lie within the segment (fewer when a split moved its end meanwhile; those beyond it are
     * another segment's), and holds them against a split until they are written.
     */
    synchronized int claim(int n) {
        long room = end < 0 ? n : Math.max(0, end - position());
        int mine = (int) Math.min(n, room);
        claimed = position() + mine;
        return mine;
    }

    /** Bytes of a known end that no write has claimed yet: what a split could give away. */
    synchronized long unclaimed() {
        return end < 0 ? 0 : Math.max(0, end - Math.max(claimed, position()));
    }

    /**
     * Ends this segment halfway through its unclaimed bytes and returns a new segment, numbered
     * {@code newIndex}, for the second half (its blocks of the same size); null when either half
     * would be under {@code minBytes} (or the end is unknown). This segment's fetch stops at its
     * new end; the caller records the split before anything of the new segment is.
     */
    synchronized Segment splitOff(int newIndex, long minBytes) {
        long left = unclaimed();
        if (end < 0 || left < 2 * Math.max(1, minBytes)) {
            return null;
        }
        long at = end - left / 2;
        Segment tail = new Segment(newIndex, at, end, 0, 0, blockBytes, new long[0]);
        end = at;
        return tail;
    }

    public boolean isComplete() {
        return end >= 0 && position() >= end;
    }
}
