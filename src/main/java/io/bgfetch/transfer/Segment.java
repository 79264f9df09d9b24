package io.bgfetch.transfer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One byte range of a body, fetched over one connection: bytes [start, end) of the resource.
 * {@code end} is -1 while the body's length is unknown. {@link #written} counts bytes written
 * to the body file from {@code start} (readable by others, maybe not yet durable); only
 * checkpoints, which follow an fsync, are what a restart trusts.
 */
public final class Segment {
    private final int index;
    private final long start;
    private volatile long end;
    private final AtomicLong written;

    public Segment(int index, long start, long end, long written) {
        this.index = index;
        this.start = start;
        this.end = end;
        this.written = new AtomicLong(written);
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

    /** The next byte of the resource this segment needs. */
    public long position() {
        return start + written.get();
    }

    public boolean isComplete() {
        return end >= 0 && position() >= end;
    }
}
