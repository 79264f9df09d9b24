package io.bgfetch.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Commits the small writes that many transfers make at the same moment (a checkpoint, a record
 * ending) together, in one transaction: with 16 small files finishing at once, one commit
 * instead of sixteen. A thread that writes while no commit is under way commits its write and
 * whatever others queued meanwhile (it leads); one that writes during a commit queues its write
 * and waits for a later leader, at most one commit away. Every write has been committed (or has
 * failed, with the batch's failure) when {@link #write} returns, so a caller's writes stay in
 * the order it made them. Each write learns how many rows its statements changed: a guarded
 * state move ({@link StateWrites}) keeps its guard's answer when it is committed with others.
 * A write of several statements is never split between commits.
 */
final class GroupCommit {
    /** One statement and its arguments. */
    record Write(String sql, Object[] args) {
    }

    private static final class Pending {
        final List<Write> writes;
        boolean done;
        int[] changed;
        RuntimeException failure;

        Pending(List<Write> writes) {
            this.writes = writes;
        }
    }

    private final Function<List<Write>, int[]> commit;
    private final List<Pending> queued = new ArrayList<>();
    private boolean leading;

    /**
     * @param commit runs the writes in one transaction and returns the rows each changed, or
     *               throws and commits none of them
     */
    GroupCommit(Function<List<Write>, int[]> commit) {
        this.commit = commit;
    }

    /**
     * Commits the write (with any others queued by then); returns once it is committed, with the
     * number of rows it changed.
     */
    int write(String sql, Object... args) {
        return writeAll(List.of(new Write(sql, args)))[0];
    }

    /** Commits the statements in one transaction (with others queued by then); returns the rows each changed. */
    int[] writeAll(List<Write> statements) {
        Pending mine = new Pending(statements);
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
                return rethrow(mine);
            }
            leading = true;
            batch = new ArrayList<>(queued);
            queued.clear();
        }
        RuntimeException failure = null;
        int[] changed = null;
        try {
            List<Write> writes = new ArrayList<>();
            batch.forEach(p -> writes.addAll(p.writes));
            changed = commit.apply(writes);
        } catch (RuntimeException e) {
            failure = e;
        }
        synchronized (this) {
            int at = 0;
            for (Pending p : batch) {
                p.done = true;
                p.failure = failure;
                if (changed != null) {
                    p.changed = java.util.Arrays.copyOfRange(changed, at, at + p.writes.size());
                }
                at += p.writes.size();
            }
            leading = false;
            notifyAll();
        }
        return rethrow(mine);
    }

    /** Writes waiting for the commit under way (for tests). */
    synchronized int queued() {
        return queued.size();
    }

    private static int[] rethrow(Pending p) {
        if (p.failure != null) {
            throw p.failure;
        }
        return p.changed;
    }
}
