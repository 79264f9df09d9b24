package io.bgfetch.store;

/**
 * One byte range of a body, fetched by one connection: bytes [start, end) of the resource,
 * of which the first {@code done} are on disk and fsynced. {@code end} is -1 when the body's
 * length is unknown (the range runs to the end of the response).
 */
public record SegmentRow(int seg, long start, long end, long done) {

    public boolean isComplete() {
        return end >= 0 && start + done >= end;
    }
}
