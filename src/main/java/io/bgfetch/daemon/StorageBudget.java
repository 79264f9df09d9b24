package io.bgfetch.daemon;

import io.bgfetch.transfer.FailureKind;
import io.bgfetch.transfer.TransferFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides whether bodies fit in the store: against the free space of the store's filesystem and
 * against {@code BGFETCH_QUOTA}. A body of known size is claimed whole before a byte of it is
 * written; a body without a length ({@link Streamed}) claims its bytes as they arrive, so an
 * endless body stops at the quota instead of filling the disk. A write that hits ENOSPC anyway
 * is caught by the transfer and ends the same way.
 */
final class StorageBudget {
    private final Path storeDir;
    /** Looked up once: finding a path's file store reads the mount table. */
    private java.nio.file.FileStore fileStore;
    private final long quota;
    private final Map<String, Long> reserved = new HashMap<>();
    /** The last reading of the free space (less what was claimed since), -1 before the first. */
    private long freeSpace = -1;
    private long freeSpaceReadAt;
    private long used;

    StorageBudget(Path storeDir, long quota) {
        this.storeDir = storeDir;
        this.quota = quota;
    }

    /** Claims room for a body; throws a quota failure when it does not fit. */
    synchronized void reserve(long key, int index, long size) throws TransferFailure.Permanent {
        String body = key + "/" + index;
        forget(body);
        if (size <= 0) {
            return;
        }
        if (quota > 0 && used + size > quota) {
            throw new TransferFailure.Permanent(FailureKind.QUOTA, "the body (" + size
                    + " bytes) does not fit in the quota of " + quota + " bytes (" + used + " in use)", 0, null);
        }
        try {
            long free = usableSpace(size);
            if (size > free) {
                throw new TransferFailure.Permanent(FailureKind.QUOTA, "the body (" + size
                        + " bytes) does not fit on the disk (" + free + " bytes free)", 0, null);
            }
        } catch (IOException unknownFreeSpace) {
            // ENOSPC during the writes still catches a full disk
        }
        claim(body, size);
        freeSpace -= size;
    }

    /**
     * The free space of the store's filesystem, read again when the last reading is older than a
     * second or the body would take much of what it said: a fetch of 10,000 small files need not
     * ask the kernel 10,000 times. Claims made since the reading are taken off it.
     */
    private long usableSpace(long size) throws IOException {
        long now = System.nanoTime();
        if (freeSpace < 0 || now - freeSpaceReadAt > 1_000_000_000L || size > freeSpace / 4) {
            if (fileStore == null) {
                fileStore = Files.getFileStore(storeDir);
            }
            freeSpace = fileStore.getUsableSpace();
            freeSpaceReadAt = now;
        }
        return freeSpace;
    }

    /**
     * Counts a body of unknown length against the quota as it arrives; null when there is no
     * quota (nothing to count against: a full disk is still caught by ENOSPC).
     */
    Streamed streamed(long key, int index) {
        return quota > 0 ? new Streamed(key + "/" + index) : null;
    }

    synchronized void release(long key, int index) {
        forget(key + "/" + index);
    }

    synchronized void releaseFetch(long key) {
        String prefix = key + "/";
        reserved.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(prefix)) {
                used -= e.getValue();
                return true;
            }
            return false;
        });
    }

    /** Bytes claimed by all bodies (for tests). */
    synchronized long used() {
        return used;
    }

    private void claim(String body, long size) {
        Long before = reserved.put(body, size);
        used += size - (before == null ? 0 : before);
    }

    private void forget(String body) {
        Long before = reserved.remove(body);
        if (before != null) {
            used -= before;
        }
    }

    /**
     * Grows a streamed body's claim to {@code bytes}.
     *
     * @throws TransferFailure.Permanent quota-exceeded when the store cannot hold that much
     */
    private synchronized void grow(String body, long bytes) throws TransferFailure.Permanent {
        long mine = reserved.getOrDefault(body, 0L);
        if (bytes <= mine) {
            return;
        }
        if (used - mine + bytes > quota) {
            throw new TransferFailure.Permanent(FailureKind.QUOTA, "the body (no length announced) reached " + bytes
                    + " bytes, more than the quota of " + quota + " bytes allows (" + (used - mine)
                    + " in use by other bodies)", 0, null);
        }
        claim(body, bytes);
    }

    /**
     * The claim of one body without a length. {@link #arrived} is called for every read, so it
     * takes the lock only every {@link #step} bytes; a body may thus pass the quota by less
     * than one step before it is stopped.
     */
    final class Streamed {
        private final String body;
        private final long step;
        private volatile long nextCheck;

        private Streamed(String body) {
            this.body = body;
            this.step = Math.max(64 << 10, Math.min(1 << 20, quota / 16));
        }

        /** @param total the body's bytes so far (including any stored before a resume) */
        void arrived(long total) throws TransferFailure.Permanent {
            if (total < nextCheck) {
                return;
            }
            grow(body, total);
            nextCheck = total + step;
        }
    }
}
