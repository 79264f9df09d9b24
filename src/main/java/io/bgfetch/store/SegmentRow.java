package io.bgfetch.store;

/**
 * One byte range of a body, fetched by one connection: bytes [start, end) of the resource.
 * {@code end} is -1 when the body's length is unknown (the range runs to the end of the response).
 *
 * @param done    bytes from {@code start} written to the body file and recorded, each block with
 *                its CRC32C in {@link BlockRow}s (not necessarily fsynced yet)
 * @param durable bytes from {@code start} fsynced before this was recorded: trusted as they are
 * @param block   the block size the checksums of this segment cover; 0 for a row without
 *                checksums, whose {@code done} bytes were fsynced before they were recorded
 */
public record SegmentRow(int seg, long start, long end, long done, long durable, int block) {

    /** A segment whose recorded bytes are all durable (no checksums needed). */
    public SegmentRow(int seg, long start, long end, long done) {
        this(seg, start, end, done, done, 0);
    }

    public boolean isComplete() {
        return end >= 0 && start + done >= end;
    }
}
