package io.bgfetch.store;

import io.bgfetch.lifecycle.RecordState;

/**
 * The few numbers of a record that a fetch's status needs, read without its JSON columns: status
 * snapshots of a fetch of 10,000 records are taken several times a second.
 *
 * @param state       as stored: pending, done or failed
 * @param status      HTTP status of the stored response, 0 before one arrived
 * @param size        the body's length from Content-Length (once done: its length), -1 while unknown
 * @param storedBytes bytes of the body checkpointed on disk (the sum of its segments' progress)
 */
public record RecordTally(int idx, RecordState state, int status, long size, long storedBytes) {

    public boolean isDone() {
        return state == RecordState.DONE;
    }

    public boolean isFailed() {
        return state == RecordState.FAILED;
    }

    public boolean isFinished() {
        return state.isFinished();
    }

    /** The stored head is a body's (2xx), not an error response kept to say why a retry waits. */
    public boolean hasBodyHead() {
        return status >= 200 && status <= 299;
    }

    /** Bytes stored for the body: the whole body once done, else as far as checkpointed; 0 when failed. */
    public long bytesStored() {
        return isFailed() ? 0 : isDone() ? Math.max(size, storedBytes) : storedBytes;
    }
}
