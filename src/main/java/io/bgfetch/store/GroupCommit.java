package io.bgfetch.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Commits the small writes that many transfers make at the same moment (a checkpoint, a record
 * ending) together, in one transaction: with 16 small files finishing at once, one commit
 * instead of sixteen. A thread that writes while no commit is under way commits its write and
 * whatever others queued meanwhile (it leads); one that writes during a commit queues its write
 * and waits for a later leader, at most one commit away. Every write has been committed (or has
 * failed, with the batch's failure) when {@link #write} returns, so a caller's writes stay in
 * the order it made them.
 */
final class GroupCommit {
    /** One statement and its arguments. */
    record Write(String sql, Object[] args) {
    }

    private static final class Pending {
        final Write write;
        boolean done;
        RuntimeException failure;

        Pending(Write write) {
            this.write = write;
        }
    }

    private final Consumer<List<Write>> commit;
    private final List<Pending> queued = new ArrayList<>();
    private boolean leading;

    /** @param commit runs the writes in one transaction, or throws and commits none of them */
    GroupCommit(Consumer<List<Write>> commit) {
        this.commit = commit;
    }

    /** Commits the write (with any others queued by then); returns once it is committed. */
    void write(String sql, Object... args) {
        Pending mine = new Pending(new Write(sql, args));
        List<Pending> batch;
        synchronized (this) {
            queued.add(mine);
            boolean interrupted = false;
            while (leading && !mine.done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the write is queued: it is committed all the same
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (mine.done) {
                rethrow(mine);
                return;
            }
            leading = true;
            batch = new ArrayList<>(queued);
            queued.clear();
        }
        RuntimeException failure = null;
        try {
            List<Write> writes = new ArrayList<>(batch.size());
            batch.forEach(p -> writes.add(p.write));
            commit.accept(writes);
        } catch (RuntimeException e) {
            failure = e;
        }
        synchronized (this) {
            for (Pending p : batch) {
                p.done = true;
                p.failure = failure;
            }
            leading = false;
            notifyAll();
        }
        rethrow(mine);
    }

    /** Writes waiting for the commit under way (for tests). */
    synchronized int queued() {
        return queued.size();
    }

    private static void rethrow(Pending p) {
        if (p.failure != null) {
            throw p.failure;
        }
    }
}
