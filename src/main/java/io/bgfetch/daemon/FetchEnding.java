package io.bgfetch.daemon;

import io.bgfetch.lifecycle.FailureReason;
import io.bgfetch.lifecycle.FetchResult;
import io.bgfetch.lifecycle.Transitions.FetchMove;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.FetchStore;
import io.bgfetch.store.RecordRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The three ways a fetch ends, each storing the result and then firing hooks and notification:
 * concluded after its records ran, discarded (aborted, download total exceeded: nothing kept),
 * or cut short (quota: complete records kept).
 *
 * <p>Each stores its result with a guarded move ({@link FetchMove#END} by a run, {@link
 * FetchMove#ABORT} by an abort with no run) and returns whether it won. Only the winner deletes
 * bodies and fires the hook and the notification, so each ending is announced once and an
 * ending that lost leaves no trace.
 */
final class FetchEnding {
    private final FetchStore store;
    private final BodyPaths paths;
    private final StorageBudget budget;
    private final DestPlacer placer;
    private final HookRunner hooks;
    private final Notifier notifier;

    private final ChangeSignal changes;

    FetchEnding(FetchStore store, BodyPaths paths, StorageBudget budget, HookRunner hooks, ChangeSignal changes) {
        this.changes = changes;
        this.store = store;
        this.paths = paths;
        this.budget = budget;
        this.placer = new DestPlacer(paths, store);
        this.hooks = hooks;
        this.notifier = new Notifier();
    }

    /** Every record has ended: success when all are done (and placed under --dest), else the first failure. */
    boolean conclude(long key, RecordTask.Failure firstFailure) {
        FetchRow f = store.find(key).orElseThrow();
        List<RecordRow> records = store.records(key);
        boolean allDone = records.stream().allMatch(RecordRow::isDone);
        if (!allDone) {
            RecordTask.Failure why = firstFailure != null ? firstFailure
                    : new RecordTask.Failure(FailureReason.FETCH_ERROR, "a request did not complete");
            // --dest: only the winning ending withdraws the part files (complete bodies move into the store)
            return finish(key, FetchResult.FAILURE, why.reason(), why.message(),
                    () -> placer.withdraw(f, records, true));
        }
        // --dest: the bodies written into DIR are renamed into place (the placement part of the ending)
        if (f.options().dest() != null) {
            try {
                placer.place(f, records);
                budget.releaseFetch(key); // placed files are the user's, not the store's
            } catch (IOException | RuntimeException e) {
                return finish(key, FetchResult.FAILURE, FailureReason.FETCH_ERROR,
                        "cannot place the files in " + f.options().dest() + ": " + e.getMessage(),
                        () -> placer.withdraw(f, store.records(key), true));
            }
        }
        return finish(key, FetchResult.SUCCESS, null, "", () -> { });
    }

    /**
     * Nothing of the fetch is kept: every record failed and, once that is stored, every body
     * deleted (under {@code --dest}, its part files too). The caller guarantees that nothing
     * writes the bodies any more (no run, or a run whose records have all returned).
     */
    boolean discard(long key, FetchMove move, FailureReason reason, String message) {
        if (!store.states().discard(key, move, reason, message)) {
            return false;
        }
        deleteTree(paths.fetchDir(key));
        placer.withdraw(store.find(key).orElseThrow(), store.records(key), false);
        budget.releaseFetch(key);
        announce(key);
        return true;
    }

    /**
     * Incomplete records fail and lose their bytes; complete ones stay matchable (under {@code
     * --dest} they move into the store). The bodies go first (on a full disk, the database needs
     * the room); only the fetch's run ends it so, after all its records returned, and no other
     * move can win meanwhile.
     */
    boolean failIncomplete(long key, FailureReason reason, String message) {
        FetchRow f = store.find(key).orElseThrow();
        List<RecordRow> records = store.records(key);
        for (RecordRow r : records) {
            if (!r.isDone()) {
                deleteQuietly(paths.download(f, r.idx()));
                budget.release(key, r.idx());
            }
        }
        if (!store.states().failIncomplete(key, reason, message)) {
            return false;
        }
        placer.withdraw(f, records, true);
        announce(key);
        return true;
    }

    /** Stores the ending; only when it won, {@code afterStored} runs and the ending is announced. */
    private boolean finish(long key, FetchResult result, FailureReason reason, String message, Runnable afterStored) {
        if (!store.states().end(key, FetchMove.END, result, reason, message)) {
            return false;
        }
        afterStored.run();
        announce(key);
        return true;
    }

    /** The ending is stored: tell the log, the hook and the desktop, once. */
    private void announce(long key) {
        changes.changed();
        FetchRow done = store.find(key).orElseThrow();
        Log.info("fetch " + key + " ('" + done.id() + "') ended: " + done.result().wire()
                + (done.failureReason() == null ? "" : " (" + done.failureReason().wire() + ": " + done.message() + ")"));
        hooks.fire(done);
        notifier.notify(done);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(FetchEnding::deleteQuietly);
        } catch (IOException e) {
            Log.error("cannot delete " + dir, e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            Log.error("cannot delete " + p, e);
        }
    }
}
