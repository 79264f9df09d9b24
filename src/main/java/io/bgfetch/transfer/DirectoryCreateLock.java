package io.bgfetch.transfer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * File creations in one directory, one at a time, waiting parked. Creating a file holds its
 * directory's lock in the kernel through the whole inode allocation, and Linux makes the other
 * creators in that directory spin on a CPU while they wait for it. A fetch of many small files
 * creates its bodies from every transfer thread at once in one directory (the {@code --dest} DIR,
 * or the fetch's store directory): measured with perf here (ext4, 1000 files, 16 at once), 13% of
 * the daemon's CPU went to that spinning (rwsem_spin_on_owner under openat with O_CREAT). A Java
 * lock parks the waiters instead. Striped by directory, so creations in different directories
 * still run side by side; two directories that share a stripe only wait for each other.
 */
public final class DirectoryCreateLock {
    /** A creation in the directory. */
    public interface Creation {
        void run() throws IOException;
    }

    private static final int STRIPES = 64; // a power of two
    private static final Object[] LOCKS = new Object[STRIPES];

    static {
        for (int i = 0; i < STRIPES; i++) {
            LOCKS[i] = new Object();
        }
    }

    private DirectoryCreateLock() {
    }

    /** Runs {@code creation} of a file in {@code dir} while no other creation there runs. */
    public static void creating(Path dir, Creation creation) throws IOException {
        synchronized (LOCKS[stripe(dir)]) {
            creation.run();
        }
    }

    static int stripe(Path dir) {
        int h = dir == null ? 0 : dir.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }
}
