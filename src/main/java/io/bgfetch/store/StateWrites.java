package io.bgfetch.store;

import io.bgfetch.lifecycle.FailureReason;
import io.bgfetch.lifecycle.FetchResult;
import io.bgfetch.lifecycle.FetchState;
import io.bgfetch.lifecycle.RecordState;
import io.bgfetch.lifecycle.Transitions;
import io.bgfetch.lifecycle.Transitions.FetchMove;
import io.bgfetch.lifecycle.Transitions.RecordMove;
import io.bgfetch.lifecycle.WireName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Every write of a fetch's or a record's state, each one of the lifecycle's {@link Transitions
 * moves} and guarded by the states the move starts from ({@code UPDATE ... WHERE state IN
 * (...)}): it returns whether it applied, so that of two racing moves exactly one wins. The
 * states are text only in the SQL here. Runs on the {@link FetchStore}'s connection under its lock.
 */
public final class StateWrites {
    private final FetchStore store;
    private final Connection db;

    StateWrites(FetchStore store, Connection db) {
        this.store = store;
        this.db = db;
    }

    /** A move that only changes the fetch's state (START, PAUSE, RESUME), clearing its message. */
    public boolean move(long key, FetchMove move) {
        if (move.to() == FetchState.DONE) {
            throw new IllegalArgumentException(move + " ends the fetch");
        }
        return single(() -> guarded("UPDATE fetches SET state = ?, message = '' WHERE key = ?", move.from(),
                move.to().wire(), key) == 1);
    }

    /**
     * Ends the fetch ({@code END} or {@code ABORT}): state, result and the "hooks pending" mark in
     * one durable commit, so that the winner's hooks run at least once, and a loser's never.
     */
    public boolean end(long key, FetchMove move, FetchResult result, FailureReason reason, String message) {
        return transaction(true, () -> endFetch(key, move, result, reason, message));
    }

    /**
     * Ends the fetch as a failure that keeps nothing (aborted, download total exceeded), in one
     * durable commit: every record failed with the fetch's reason, every plan forgotten.
     */
    public boolean discard(long key, FetchMove move, FailureReason reason, String message) {
        return transaction(true, () -> {
            if (!endFetch(key, move, FetchResult.FAILURE, reason, message)) {
                return false;
            }
            moveRecords(key, RecordMove.DISCARD, reason, message);
            exec("DELETE FROM segments WHERE fetch_key = ?", key);
            return true;
        });
    }

    /**
     * Ends the fetch as a failure that keeps its complete records (quota, an internal error), in
     * one durable commit: the records not done fail and lose their plans.
     */
    public boolean failIncomplete(long key, FailureReason reason, String message) {
        return transaction(true, () -> {
            if (!endFetch(key, FetchMove.END, FetchResult.FAILURE, reason, message)) {
                return false;
            }
            moveRecords(key, RecordMove.FAIL, reason, message);
            exec("""
                    DELETE FROM segments WHERE fetch_key = ?
                      AND record_idx IN (SELECT idx FROM records WHERE fetch_key = ? AND state <> ?)""",
                    key, key, RecordState.DONE.wire());
            return true;
        });
    }

    /**
     * The record's body is complete: {@code size} is its length on disk (known now even when it
     * was not announced). False when the record is no longer pending (its fetch was discarded).
     */
    public boolean completeRecord(long key, int idx, long size) {
        return together("UPDATE records SET state = ?, size = ? WHERE fetch_key = ? AND idx = ?",
                RecordMove.COMPLETE.from(), RecordMove.COMPLETE.to().wire(), size, key, idx) == 1;
    }

    /**
     * As {@link #completeRecord(long, int, long)}, in one commit with the body's last recorded
     * {@code progress} (held back to save a commit per small file; recorded only while its plan
     * is stored).
     */
    public boolean completeRecord(long key, int idx, long size, List<FetchStore.Progress> progress) {
        if (progress.isEmpty()) {
            return completeRecord(key, idx, size);
        }
        List<GroupCommit.Write> writes = new ArrayList<>();
        for (FetchStore.Progress p : progress) {
            writes.addAll(p.writes(key, idx));
        }
        Collection<RecordState> from = RecordMove.COMPLETE.from();
        writes.add(new GroupCommit.Write(guardedSql("UPDATE records SET state = ?, size = ? WHERE fetch_key = ? AND idx = ?",
                from), guardedArgs(from, RecordMove.COMPLETE.to().wire(), size, key, idx)));
        int[] changed = store.together().writeAll(writes);
        return changed[changed.length - 1] == 1;
    }

    /** The record failed for good on its own; false when it is no longer pending. */
    public boolean failRecord(long key, int idx, FailureReason reason, String error) {
        return together("UPDATE records SET state = ?, failure_kind = ?, error = ? WHERE fetch_key = ? AND idx = ?",
                RecordMove.FAIL.from(), RecordMove.FAIL.to().wire(), reason.wire(), error, key, idx) == 1;
    }

    /**
     * A re-check answered 304: the previous response is the record's again, complete, in one
     * commit (its body file is already in place). False when the record is no longer pending.
     */
    public boolean keepPrevious(long key, int idx, PreviousResponse p) {
        RecordMove move = RecordMove.KEEP_PREVIOUS;
        return transaction(false, () -> {
            if (guarded("""
                    UPDATE records SET state = ?, not_modified = 1, previous = NULL, status = ?, status_text = ?,
                           headers = ?, size = ?, etag = ?, last_modified = ?, dest_path = ?, dest_mtime = ?
                    WHERE fetch_key = ? AND idx = ?""", move.from(), move.to().wire(), p.status(), p.statusText(),
                    p.headersJson(), p.size(), p.etag(), p.lastModified(), p.destPath(), p.destMtime(), key, idx) != 1) {
                return false;
            }
            exec("DELETE FROM segments WHERE fetch_key = ? AND record_idx = ?", key, idx);
            exec("INSERT INTO segments (fetch_key, record_idx, seg, start, end, done, durable) VALUES (?, ?, 0, 0, ?, ?, ?)",
                    key, idx, p.size(), p.size(), p.size()); // a complete body, fsynced when it was first stored
            return true;
        });
    }

    /**
     * At start-up, after an unclean stop: a power cut lost bytes of a done record's body that
     * were not fsynced yet. In one durable commit the record is pending again, its segments hold
     * only {@code kept} (segment to bytes; the rest is fetched again), and its fetch, if it had
     * ended, is queued again with no result (its new ending fires the hook anew). With {@code
     * placing}, the body was a placed {@code --dest} file, moved back to its part file: the
     * placement of the fetch's next success gives it the same name again.
     */
    public boolean reopen(long key, int idx, Map<Integer, Long> kept, String placing) {
        return transaction(true, () -> {
            if (guarded("UPDATE records SET state = ? WHERE fetch_key = ? AND idx = ?", RecordMove.REOPEN.from(),
                    RecordMove.REOPEN.to().wire(), key, idx) != 1) {
                return false;
            }
            guarded("""
                    UPDATE fetches SET state = ?, result = '', failure_reason = '', message = '', finished_at = NULL,
                           hooks_pending = 0 WHERE key = ?""", FetchMove.REOPEN.from(), FetchMove.REOPEN.to().wire(), key);
            for (Map.Entry<Integer, Long> e : kept.entrySet()) {
                exec("UPDATE segments SET done = ?, durable = MIN(durable, ?) WHERE fetch_key = ? AND record_idx = ? AND seg = ?",
                        e.getValue(), e.getValue(), key, idx, e.getKey());
            }
            if (placing != null) {
                exec("UPDATE records SET dest_path = ?, dest_mtime = ? WHERE fetch_key = ? AND idx = ?",
                        placing, PlacedFile.PLACING, key, idx);
            }
            return true;
        });
    }

    /**
     * At start-up: a complete record that its failed fetch kept has lost its body to a power cut;
     * it fails too, and forgets its plan, in one durable commit.
     */
    public boolean loseBody(long key, int idx, FailureReason reason, String error) {
        return transaction(true, () -> {
            if (guarded("UPDATE records SET state = ?, failure_kind = ?, error = ? WHERE fetch_key = ? AND idx = ?",
                    RecordMove.LOSE_BODY.from(), RecordMove.LOSE_BODY.to().wire(), reason.wire(), error, key, idx) != 1) {
                return false;
            }
            exec("DELETE FROM segments WHERE fetch_key = ? AND record_idx = ?", key, idx);
            return true;
        });
    }

    private boolean endFetch(long key, FetchMove move, FetchResult result, FailureReason reason, String message)
            throws SQLException {
        if (move.to() != FetchState.DONE) {
            throw new IllegalArgumentException(move + " does not end the fetch");
        }
        return guarded("""
                UPDATE fetches SET state = ?, result = ?, failure_reason = ?, message = ?, finished_at = ?,
                       hooks_pending = 1 WHERE key = ?""", move.from(),
                move.to().wire(), result.wire(), WireName.of(reason), message, Instant.now().toString(), key) == 1;
    }

    private void moveRecords(long key, RecordMove move, FailureReason reason, String error) throws SQLException {
        guarded("UPDATE records SET state = ?, failure_kind = ?, error = ? WHERE fetch_key = ?", move.from(),
                move.to().wire(), reason.wire(), error, key);
    }

    /** Runs an UPDATE whose WHERE clause ends with "AND state IN (from)": the guard. Returns the rows changed. */
    private int guarded(String sql, Collection<? extends WireName> from, Object... args) throws SQLException {
        return store.prepare(guardedSql(sql, from), guardedArgs(from, args)).executeUpdate();
    }

    /**
     * A guarded UPDATE committed together with other transfers' writes ({@link GroupCommit}): a
     * record ending of many small files ending at once. Returns the rows it changed, so the
     * guard's answer survives the batching.
     */
    private int together(String sql, Collection<? extends WireName> from, Object... args) {
        return store.together().write(guardedSql(sql, from), guardedArgs(from, args));
    }

    private static String guardedSql(String sql, Collection<? extends WireName> from) {
        return sql + " AND state IN (" + String.join(", ", Collections.nCopies(from.size(), "?")) + ")";
    }

    private static Object[] guardedArgs(Collection<? extends WireName> from, Object... args) {
        Object[] all = Arrays.copyOf(args, args.length + from.size());
        int i = args.length;
        for (WireName w : from) {
            all[i++] = w.wire();
        }
        return all;
    }

    private void exec(String sql, Object... args) throws SQLException {
        store.prepare(sql, args).executeUpdate();
    }

    private interface Work {
        /** True to commit, false to roll back (a guard that lost). */
        boolean run() throws SQLException;
    }

    /** One statement in autocommit mode, under the store's lock. */
    private boolean single(Work work) {
        synchronized (store) {
            try {
                boolean applied = work.run();
                store.committed();
                return applied;
            } catch (SQLException e) {
                throw FetchStore.failed(e);
            }
        }
    }

    /**
     * One transaction under the store's lock, committed when {@code work} returns true and rolled
     * back when it returns false; {@code durable} commits with synchronous=FULL.
     */
    private boolean transaction(boolean durable, Work work) {
        return store.inTransaction(durable, work::run, Boolean::booleanValue);
    }
}
