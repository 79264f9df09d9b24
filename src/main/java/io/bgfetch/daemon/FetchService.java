package io.bgfetch.daemon;

import io.bgfetch.home.PrivateFiles;
import io.bgfetch.lifecycle.FailureReason;
import io.bgfetch.lifecycle.FetchState;
import io.bgfetch.lifecycle.Transitions.FetchMove;
import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.protocol.RecordInfo;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Request;
import io.bgfetch.store.ConflictException;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.FetchStore;
import io.bgfetch.store.NewFetch;
import io.bgfetch.store.RecordRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the commands do to fetches: register, pause, resume, abort, forget, and look up. Each
 * method returns the data of a successful reply or throws a {@link Refusal} carrying the exit code.
 *
 * <p>Pause, resume and abort decide by guarded moves, never by a state read before: a running
 * fetch is asked through its run (which settles one ending), one with no run is moved under the
 * scheduler's lock. So of a pause, an abort and the fetch's own finish exactly one wins; a loser
 * waits for the winner's ending and is refused with exit 1, and its ending leaves no trace.
 */
final class FetchService {
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private final DaemonContext ctx;
    private final FetchStore store;
    private final Scheduler scheduler;
    private final Snapshots snapshots;

    FetchService(DaemonContext ctx, Scheduler scheduler) {
        this.ctx = ctx;
        this.store = ctx.store();
        this.scheduler = scheduler;
        this.snapshots = new Snapshots(ctx.store(), ctx.paths());
    }

    /** A request the daemon declines, with the CLI exit code that says why. */
    static final class Refusal extends RuntimeException {
        final ExitCode exitCode;

        Refusal(ExitCode exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    Registration register(Request.Fetch f) {
        if (f.requests().isEmpty()) {
            throw new Refusal(ExitCode.USAGE, "no requests: give at least one URL");
        }
        FetchOptions options = f.options();
        String upload = null;
        long uploadTotal = 0;
        if (options.uploadFile() != null) {
            upload = keepUpload(Path.of(options.uploadFile())).toString();
            options = options.withUploadFile(upload);
            try {
                uploadTotal = Files.size(Path.of(upload)) * f.requests().size();
            } catch (IOException e) {
                throw new Refusal(ExitCode.LOCAL_IO, "cannot read the upload: " + e.getMessage());
            }
        }
        Recheck recheck = options.ifChanged() ? Recheck.of(store, ctx.paths(), f.id(), f.requests(), options) : Recheck.NONE;
        long[] keys;
        try {
            keys = store.register(new NewFetch(f.id(), options, f.requests(), uploadTotal, recheck.previous()));
        } catch (ConflictException e) {
            deleteQuietly(upload);
            throw new Refusal(ExitCode.CONFLICT, e.getMessage());
        }
        if (keys[1] >= 0) {
            recheck.moveBodies(ctx.paths(), keys[1], keys[0]); // before the replaced fetch's files go
            FetchEnding.deleteTree(ctx.paths().fetchDir(keys[1]));
            ctx.budget().releaseFetch(keys[1]);
        }
        FetchRow row = store.find(keys[0]).orElseThrow();
        Log.info("registered fetch " + row.key() + " ('" + row.id() + "', " + f.requests().size() + " requests)");
        scheduler.start(row);
        return snapshots.registration(row, live(row.key()));
    }

    /** The daemon's own copy of a request body, so the caller may change or delete theirs. */
    private Path keepUpload(Path source) {
        try {
            // Durable (bytes and directory entries) before the registration commit, which comes
            // before the acknowledgement: a fetch acknowledged never loses its request body.
            Path dir = PrivateFiles.directories(ctx.paths().incoming());
            Path copy = dir.resolve(UUID.randomUUID() + ".upload");
            ctx.settings().transfer().disk().copyDurably(source, copy);
            ctx.settings().transfer().disk().forceDirectory(dir.getParent());
            return copy;
        } catch (IOException e) {
            throw new Refusal(ExitCode.LOCAL_IO, "cannot read the upload file " + source + ": " + e.getMessage());
        }
    }

    List<Registration> list(boolean all) {
        List<Registration> out = new ArrayList<>();
        for (FetchRow f : store.list(all)) {
            out.add(snapshot(f));
        }
        return out;
    }

    List<Registration> status(List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return list(false);
        }
        List<Registration> out = new ArrayList<>();
        for (String id : ids) {
            out.add(snapshot(find(id)));
        }
        return out;
    }

    Registration pause(String id) {
        long key = find(id).key();
        boolean[] paused = {false};
        FetchRun run = scheduler.runningOrElse(key, () -> paused[0] = store.states().move(key, FetchMove.PAUSE));
        if (run != null && run.stop(StopReason.PAUSE, "paused")) {
            if (!run.awaitEnd(STOP_WAIT)) {
                return snapshot(find(id)); // still saving its bytes; the pause is on its way
            }
            paused[0] = run.endedBy(StopReason.PAUSE); // else an abort came after it and won
        }
        if (!paused[0]) {
            throw new Refusal(ExitCode.FAILED, "fetch '" + id + "' is not active (" + describe(find(id), run) + ")");
        }
        return snapshot(find(id));
    }

    Registration resume(String id) {
        FetchRow f = find(id);
        if (!store.states().move(f.key(), FetchMove.RESUME)) {
            throw new Refusal(ExitCode.FAILED, "fetch '" + id + "' is not paused ("
                    + describe(find(id), null) + ")");
        }
        scheduler.start(store.find(f.key()).orElseThrow());
        return snapshot(find(id));
    }

    Registration abort(String id) {
        long key = find(id).key();
        boolean[] aborted = {false};
        FetchRun run = scheduler.runningOrElse(key, () -> aborted[0] = ctx.ending().discard(key, FetchMove.ABORT,
                FailureReason.ABORTED, "aborted by the user"));
        if (run != null && run.stop(StopReason.ABORT, "aborted")) {
            if (!run.awaitEnd(STOP_WAIT)) {
                return snapshot(find(id)); // still stopping its transfers; the abort is on its way
            }
            aborted[0] = run.endedBy(StopReason.ABORT); // else it had failed on its own meanwhile
        }
        if (!aborted[0]) {
            FetchRow f = find(id);
            throw new Refusal(ExitCode.FAILED, "fetch '" + id + "' " + (f.isDone() ? "has already finished" : "is ending")
                    + " (" + describe(f, run) + ")");
        }
        return snapshot(find(id));
    }

    List<String> remove(List<String> ids) {
        List<FetchRow> rows = new ArrayList<>();
        for (String id : ids) {
            FetchRow f = find(id);
            if (!f.isDone()) {
                throw new Refusal(ExitCode.CONFLICT, "fetch '" + id + "' is active; abort it first");
            }
            rows.add(f);
        }
        List<String> removed = new ArrayList<>();
        for (FetchRow f : rows) {
            // The store's files go; files --dest placed are the user's and stay where they are.
            store.delete(f.key());
            FetchEnding.deleteTree(ctx.paths().fetchDir(f.key()));
            deleteQuietly(f.options().uploadFile());
            ctx.budget().releaseFetch(f.key());
            removed.add(f.id());
        }
        return removed;
    }

    List<RecordInfo> records(String id) {
        FetchRow f = find(id);
        LiveRecords live = live(f.key());
        List<RecordInfo> out = new ArrayList<>();
        for (RecordRow r : store.records(f.key())) {
            out.add(snapshots.record(f, r, live));
        }
        return out;
    }

    RecordInfo match(String id, String url, boolean ignoreSearch) {
        FetchRow f = find(id);
        for (RecordRow r : store.records(f.key())) {
            if (UrlMatch.matches(r.url(), url, ignoreSearch)) {
                return snapshots.record(f, r, live(f.key()));
            }
        }
        throw new Refusal(ExitCode.NOT_FOUND, "fetch '" + id + "' has no record for " + url);
    }

    private Registration snapshot(FetchRow f) {
        return snapshots.registration(f, live(f.key()));
    }

    /** The live view of the fetch's run, or null when none runs. */
    private LiveRecords live(long key) {
        FetchRun run = scheduler.running(key);
        return run == null ? null : run.live();
    }

    private FetchRow find(String id) {
        return store.find(id).orElseThrow(() -> new Refusal(ExitCode.NOT_FOUND, "no such fetch: '" + id + "'"));
    }

    /**
     * The state a refusal names: the result once done, "finishing" while a run that took no stop
     * is ending (its records ended, or it failed, or another stop is being carried out).
     */
    private static String describe(FetchRow f, FetchRun run) {
        if (!f.isDone()) {
            return f.state() != FetchState.PAUSED && run != null ? "finishing" : f.state().wire();
        }
        return f.result().wire() + (f.failureReason() == null ? "" : ", " + f.failureReason().wire());
    }

    private static void deleteQuietly(String file) {
        if (file != null) {
            try {
                Files.deleteIfExists(Path.of(file));
            } catch (IOException e) {
                Log.error("cannot delete " + file, e);
            }
        }
    }
}
