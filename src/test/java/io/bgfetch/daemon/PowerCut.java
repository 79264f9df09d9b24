package io.bgfetch.daemon;

import io.bgfetch.store.FetchStore;
import io.bgfetch.transfer.BodyDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A machine that can lose power, for tests of the store's power-loss rules: a disk under the
 * bodies that keeps writes not yet forced apart, and copies of the database as each commit left
 * it, knowing which commits were forced. {@link #cut} freezes both at one instant (everything
 * after it fails or is ignored); {@link #restore} then writes back what a power cut could have
 * left: the forced state, plus (in {@link Survivors#SOME}) any in-order part of what was not
 * forced, as a disk's writeback and SQLite's WAL recovery allow.
 */
final class PowerCut {
    /** What survives of the writes and commits that were not forced. */
    enum Survivors {
        /** Nothing: the worst case for what is lost. */
        NONE,
        /** A random part: some unforced writes of each file, and the database as some commit after the last forced one left it. */
        SOME,
        /** Everything (as after a SIGKILL: the kernel kept it all). */
        ALL
    }

    private final Random random;
    private final Disk disk = new Disk();
    private final Map<Path, SimFile> files = new LinkedHashMap<>();
    private boolean off;
    private volatile CountDownLatch slowDisk;
    // The database: the last forced commit's files, one commit after it picked at random, and the newest.
    private Snapshot forced;
    private Snapshot sampled;
    private Snapshot newest;
    private int sinceForced;

    PowerCut(long seed) {
        this.random = new Random(seed);
    }

    BodyDisk disk() {
        return disk;
    }

    /** Keeps copies of the database at {@code db} as each commit leaves it. */
    FetchStore.CommitListener commits(Path db) {
        return durable -> {
            synchronized (this) {
                if (off) {
                    return;
                }
                Snapshot s = Snapshot.of(db);
                newest = s;
                if (durable || forced == null) {
                    forced = s;
                    sampled = s;
                    sinceForced = 1;
                } else if (random.nextInt(++sinceForced) == 0) {
                    sampled = s; // reservoir: each commit since the forced one is equally likely
                }
            }
        };
    }

    /**
     * From now on every fsync waits (the disk is slow) until the returned latch is counted down or
     * the power is cut, whichever comes first: after a cut the fsync fails, as the power is off.
     */
    CountDownLatch slowDisk() {
        CountDownLatch latch = new CountDownLatch(1);
        slowDisk = latch;
        return latch;
    }

    /** The power goes off: from now on body I/O fails and commits are not kept. */
    synchronized void cut() {
        off = true;
        CountDownLatch slow = slowDisk;
        if (slow != null) {
            slow.countDown(); // a waiting fsync now fails: the power is off
        }
    }

    /**
     * Writes back what survived the cut, once the store is closed: the bodies and the database
     * as {@code survivors} says. The machine then runs again, from that state.
     */
    synchronized void restore(Path db, Survivors survivors) throws IOException {
        restore(db, survivors, survivors);
    }

    /** Like {@link #restore(Path, Survivors)}, with one rule for the bodies and another for the database. */
    synchronized void restore(Path db, Survivors bodies, Survivors database) throws IOException {
        Survivors survivors = bodies;
        for (Map.Entry<Path, SimFile> e : files.entrySet()) {
            SimFile f = e.getValue();
            byte[] content = f.durable;
            for (Op op : f.pending) {
                if (survivors == Survivors.ALL || (survivors == Survivors.SOME && random.nextBoolean())) {
                    content = op.apply(content);
                }
            }
            Files.createDirectories(e.getKey().getParent());
            Files.write(e.getKey(), content);
            f.durable = content;
            f.pending.clear();
        }
        Snapshot s = switch (database) {
            case NONE -> forced;
            case SOME -> sampled;
            case ALL -> newest;
        };
        if (s != null) {
            s.writeTo(db);
        }
        off = false;
        forced = sampled = newest = null;
        slowDisk = null;
    }

    // ---- the disk ------------------------------------------------------------------------------

    private sealed interface Op {
        byte[] apply(byte[] content);
    }

    private record Write(long position, byte[] bytes) implements Op {
        @Override
        public byte[] apply(byte[] content) {
            int end = (int) position + bytes.length;
            byte[] out = end > content.length ? Arrays.copyOf(content, end) : content.clone();
            System.arraycopy(bytes, 0, out, (int) position, bytes.length);
            return out;
        }
    }

    private record Truncate(long size) implements Op {
        @Override
        public byte[] apply(byte[] content) {
            return Arrays.copyOf(content, (int) size);
        }
    }

    /** A file as the disk holds it (durable) and the operations on it not yet forced. */
    private static final class SimFile {
        byte[] durable;
        final List<Op> pending = new ArrayList<>();

        SimFile(byte[] durable) {
            this.durable = durable;
        }
    }

    private final class Disk implements BodyDisk {
        @Override
        public Handle open(Path path) throws IOException {
            synchronized (PowerCut.this) {
                powered();
                Handle real = FILES.open(path);
                // A file first seen now holds what the last restore (or the test) put there: durable.
                files.computeIfAbsent(path, p -> new SimFile(readAll(real)));
                return new SimHandle(path, real);
            }
        }

        @Override
        public void forceDirectory(Path dir) throws IOException {
            synchronized (PowerCut.this) {
                powered(); // directory entries are not modelled: files, once created, stay
            }
        }
    }

    private final class SimHandle implements BodyDisk.Handle {
        private final Path path;
        private final BodyDisk.Handle real;

        SimHandle(Path path, BodyDisk.Handle real) {
            this.path = path;
            this.real = real;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            byte[] bytes = new byte[src.remaining()];
            src.duplicate().get(bytes);
            synchronized (PowerCut.this) {
                powered();
                int n = real.write(src, position);
                files.get(path).pending.add(new Write(position, Arrays.copyOf(bytes, n)));
                return n;
            }
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public void force() throws IOException {
            CountDownLatch slow = slowDisk;
            if (slow != null) {
                try {
                    slow.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (PowerCut.this) {
                powered();
                SimFile f = files.get(path);
                for (Op op : f.pending) {
                    f.durable = op.apply(f.durable);
                }
                f.pending.clear();
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            synchronized (PowerCut.this) {
                powered();
                real.truncate(size);
                files.get(path).pending.add(new Truncate(size));
            }
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public void close() throws IOException {
            real.close();
        }
    }

    /** Caller holds the lock. */
    private void powered() throws IOException {
        if (off) {
            throw new IOException("the power is off");
        }
    }

    private static byte[] readAll(BodyDisk.Handle h) {
        try {
            ByteBuffer b = ByteBuffer.allocate((int) h.size());
            long at = 0;
            while (b.hasRemaining() && h.read(b, at) > 0) {
                at = b.position();
            }
            return Arrays.copyOf(b.array(), b.position());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the database ----------------------------------------------------------------------------

    /** The database's files as a commit left them (WAL mode: the main file and the log). */
    private record Snapshot(byte[] db, byte[] wal) {
        static Snapshot of(Path db) {
            try {
                Path wal = Path.of(db + "-wal");
                return new Snapshot(Files.readAllBytes(db), Files.exists(wal) ? Files.readAllBytes(wal) : null);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** As the machine comes back: the files as they were, and no shared-memory index (SQLite rebuilds it). */
        void writeTo(Path dbFile) throws IOException {
            Files.write(dbFile, db);
            Path wal = Path.of(dbFile + "-wal");
            if (this.wal == null) {
                Files.deleteIfExists(wal);
            } else {
                Files.write(wal, this.wal);
            }
            Files.deleteIfExists(Path.of(dbFile + "-shm"));
        }
    }
}
