package io.bgfetch.daemon;

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
    void conclude(long key, FetchRun.Failure firstFailure) {
        FetchRow f = store.find(key).orElseThrow();
        List<RecordRow> records = store.records(key);
        boolean allDone = records.stream().allMatch(RecordRow::isDone);
        if (!allDone) {
            FetchRun.Failure why = firstFailure != null ? firstFailure
                    : new FetchRun.Failure("fetch-error", "a request did not complete");
            placer.withdraw(f, records, true);
            finish(key, "failure", why.reason(), why.message());
            return;
        }
        // --dest: the bodies written into DIR are renamed into place (the placement part of the ending)
        if (f.options().dest() != null) {
            try {
                placer.place(f, records);
                budget.releaseFetch(key); // placed files are the user's, not the store's
            } catch (IOException | RuntimeException e) {
                placer.withdraw(f, store.records(key), true);
                finish(key, "failure", "fetch-error", "cannot place the files in " + f.options().dest() + ": " + e.getMessage());
                return;
            }
        }
        finish(key, "success", "", "");
    }

    /** Nothing of the fetch is kept: every body is deleted and every record failed. */
    void discard(long key, String reason, String message) {
        deleteTree(paths.fetchDir(key));
        List<RecordRow> records = store.records(key);
        placer.withdraw(store.find(key).orElseThrow(), records, false); // --dest: its part files go too
        budget.releaseFetch(key);
        for (RecordRow r : records) {
            store.replaceSegments(key, r.idx(), List.of());
            store.failRecord(key, r.idx(), reason, message);
        }
        finish(key, "failure", reason, message);
    }

    /** Incomplete records fail and lose their bytes; complete ones stay matchable. */
    void failIncomplete(long key, String reason, String message) {
        FetchRow f = store.find(key).orElseThrow();
        List<RecordRow> records = store.records(key);
        for (RecordRow r : records) {
            if (!r.isDone()) {
                deleteQuietly(paths.download(f, r.idx()));
                budget.release(key, r.idx());
                store.replaceSegments(key, r.idx(), List.of());
                if (!r.isFinished()) {
                    store.failRecord(key, r.idx(), reason, message);
                }
            }
        }
        placer.withdraw(f, records, true); // --dest: complete bodies move into the store
        finish(key, "failure", reason, message);
    }

    private void finish(long key, String result, String reason, String message) {
        store.finish(key, result, reason, message);
        changes.changed();
        FetchRow done = store.find(key).orElseThrow();
        Log.info("fetch " + key + " ('" + done.id() + "') ended: " + result
                + (reason.isEmpty() ? "" : " (" + reason + ": " + message + ")"));
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
