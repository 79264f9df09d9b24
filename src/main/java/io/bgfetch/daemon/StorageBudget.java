package io.bgfetch.daemon;

import io.bgfetch.transfer.FailureKind;
import io.bgfetch.transfer.TransferFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a body of known size can be stored before a byte of it is written: against
 * the free space of the store's filesystem and against {@code BGFETCH_QUOTA}. A write that
 * hits ENOSPC anyway is caught by the transfer and ends the same way.
 */
final class StorageBudget {
    private final Path storeDir;
    /** Looked up once: finding a path's file store reads the mount table. */
    private java.nio.file.FileStore fileStore;
    private final long quota;
    private final Map<String, Long> reserved = new ConcurrentHashMap<>();

    StorageBudget(Path storeDir, long quota) {
        this.storeDir = storeDir;
        this.quota = quota;
    }

    /** Claims room for a body; throws a quota failure when it does not fit. */
    synchronized void reserve(long key, int index, long size) throws TransferFailure.Permanent {
        String body = key + "/" + index;
        reserved.remove(body);
        if (size <= 0) {
            return;
        }
        if (quota > 0 && used() + size > quota) {
            throw new TransferFailure.Permanent(FailureKind.QUOTA, "the body (" + size
                    + " bytes) does not fit in the quota of " + quota + " bytes (" + used() + " in use)", 0, null);
        }
        try {
            if (fileStore == null) {
                fileStore = Files.getFileStore(storeDir);
            }
            long free = fileStore.getUsableSpace();
            if (size > free) {
                throw new TransferFailure.Permanent(FailureKind.QUOTA, "the body (" + size
                        + " bytes) does not fit on the disk (" + free + " bytes free)", 0, null);
            }
        } catch (IOException unknownFreeSpace) {
            // ENOSPC during the writes still catches a full disk
        }
        reserved.put(body, size);
    }

    void release(long key, int index) {
        reserved.remove(key + "/" + index);
    }

    void releaseFetch(long key) {
        reserved.keySet().removeIf(k -> k.startsWith(key + "/"));
    }

    private long used() {
        return reserved.values().stream().mapToLong(Long::longValue).sum();
    }
}
