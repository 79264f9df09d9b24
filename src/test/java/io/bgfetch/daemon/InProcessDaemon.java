package io.bgfetch.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.home.BgfetchHome;
import io.bgfetch.home.PrivateFiles;
import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.protocol.RecordInfo;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Reply;
import io.bgfetch.protocol.Request;
import io.bgfetch.protocol.RequestSpec;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.FetchStore;
import io.bgfetch.store.RecordRow;
import io.bgfetch.testing.Poll;
import io.bgfetch.transfer.HttpTransport;
import io.bgfetch.transfer.TransferSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's middle layer in the test's process: a {@link DaemonContext} over a temporary home
 * (store, bodies, hooks), the {@link Scheduler} with an {@link EndingGate} for its endings, and
 * the {@link RequestHandler}, to which requests are handed directly (no socket, no client). Runs
 * real transfers against a test server on 127.0.0.1; a race is made deterministic by holding a
 * body at a byte ({@link io.bgfetch.testing.BodyGate}) or a run's ending (the gate).
 */
final class InProcessDaemon implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    final BgfetchHome home;
    final FetchStore store;
    final BodyPaths paths;
    final DaemonContext ctx;
    final EndingGate endings = new EndingGate();
    final Scheduler scheduler;
    private final RequestHandler handler;
    private final HttpTransport http;

    private InProcessDaemon(Path root, Map<String, String> env) throws IOException {
        this(root, env, null, FetchStore.CommitListener.NONE);
    }

    /**
     * @param transfer the transfer settings (a test's disk, its sync cadence), or null for those
     *                 the environment gives
     * @param commits  told of every commit of the store (a power-cut machine keeps copies)
     */
    private InProcessDaemon(Path root, Map<String, String> env, TransferSettings transfer,
                            FetchStore.CommitListener commits) throws IOException {
        Map<String, String> all = new HashMap<>(Map.of("BGFETCH_HOME", root.toString(),
                "BGFETCH_BACKOFF_BASE", "50ms", "BGFETCH_BACKOFF_MAX", "200ms", "BGFETCH_STALL_TIMEOUT", "5s"));
        all.putAll(env);
        home = BgfetchHome.from(all);
        home.create();
        DaemonSettings fromEnv = DaemonSettings.fromEnvironment(all);
        DaemonSettings settings = transfer == null ? fromEnv
                : new DaemonSettings(transfer, fromEnv.quotaBytes(), fromEnv.maxTransfers());
        store = FetchStore.open(home.database(), commits);
        paths = new BodyPaths(PrivateFiles.directories(home.storeDir()));
        StorageBudget budget = new StorageBudget(home.storeDir(), settings.quotaBytes());
        http = new HttpTransport(settings.transfer(), "test");
        HookRunner hooks = new HookRunner(store, paths, home.root(), home.logFile());
        ChangeSignal changes = new ChangeSignal();
        ctx = new DaemonContext(home, "test", settings, store, http, paths, budget,
                new FetchEnding(store, paths, budget, hooks, changes), changes);
        scheduler = new Scheduler(ctx, endings);
        handler = new RequestHandler(ctx, scheduler, () -> { });
    }

    static InProcessDaemon start(Path root) throws IOException {
        return new InProcessDaemon(root, Map.of());
    }

    static InProcessDaemon start(Path root, Map<String, String> env) throws IOException {
        return new InProcessDaemon(root, env);
    }

    /**
     * A daemon with its own transfer settings and a listener to the store's commits, which
     * resumes every unfinished fetch as a daemon's start does (a power-cut test's next life).
     */
    static InProcessDaemon resume(Path root, TransferSettings transfer, FetchStore.CommitListener commits)
            throws IOException {
        return new InProcessDaemon(root, Map.of(), transfer, commits).resumed();
    }

    /** A daemon's next life on the same home: checks the bodies an unclean stop left, resumes every unfinished fetch. */
    static InProcessDaemon resume(Path root, Map<String, String> env) throws IOException {
        return new InProcessDaemon(root, env).resumed();
    }

    private InProcessDaemon resumed() {
        new UnsyncedBodies(store, paths, ctx.settings().transfer().disk()).check();
        scheduler.resumeUnfinished();
        return this;
    }

    static Path databaseOf(Path root) {
        return BgfetchHome.from(Map.of("BGFETCH_HOME", root.toString())).database();
    }

    /** The stored records of a fetch. */
    List<RecordRow> recordRows(String id) {
        return store.records(row(id).key());
    }

    /** Where a record's body is stored. */
    Path body(String id, int index) {
        return paths.body(row(id).key(), index);
    }

    /** Every reply to the request, handed to the handler on this thread; the last is the answer. */
    List<Reply> replies(Request<?> request) throws IOException {
        List<Reply> out = new ArrayList<>();
        handler.handle(request, out::add);
        return out;
    }

    Reply send(Request<?> request) throws IOException {
        List<Reply> all = replies(request);
        return all.get(all.size() - 1);
    }

    /** The data of a successful answer (failing the test on a refusal). */
    @SuppressWarnings("unchecked")
    <R> R ok(Request<R> request) throws IOException {
        Reply r = send(request);
        assertTrue(r.ok(), () -> request + " was refused: " + r.error());
        return (R) r.data();
    }

    /** A refusal's reply (failing the test if the request succeeded). */
    Reply refused(Request<?> request) throws IOException {
        Reply r = send(request);
        assertFalse(r.ok(), () -> request + " should have been refused but answered " + r.data());
        return r;
    }

    Registration register(String id, FetchOptions options, String... urls) throws IOException {
        List<RequestSpec> specs = new ArrayList<>();
        for (String u : urls) {
            specs.add(new RequestSpec(u));
        }
        return ok(new Request.Fetch(id, specs, options));
    }

    Registration status(String id) throws IOException {
        return ok(new Request.Status(List.of(id))).get(0);
    }

    List<RecordInfo> records(String id) throws IOException {
        return ok(new Request.Records(id));
    }

    Registration awaitDone(String id) throws IOException {
        Poll.until(TIMEOUT, () -> row(id).isDone(), "fetch '" + id + "' to end");
        return status(id);
    }

    /** Waits until the fetch's hook (if any) has run and exited. */
    void awaitHooks(String id) {
        Poll.until(TIMEOUT, () -> row(id).isDone() && !row(id).hooksPending(), "the hooks of '" + id + "' to run");
    }

    /** Waits until no run works on the fetch any more. */
    void awaitIdle(String id) {
        Poll.until(TIMEOUT, () -> scheduler.running(row(id).key()) == null, "the run of '" + id + "' to leave");
    }

    FetchRow row(String id) {
        return store.find(id).orElseThrow();
    }

    /** The fetch's files in the store (bodies), relative names. */
    List<String> storedFiles(String id) throws IOException {
        Path dir = paths.fetchDir(row(id).key());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Hook options that append one letter per event to {@code log}: s (success), f (fail), a (abort). */
    static FetchOptions hooks(Path log, int jobs) {
        String append = " >> '" + log + "'";
        return new FetchOptions(null, null, 0, null, null, null, null, "printf s" + append, "printf f" + append,
                "printf a" + append, false, false, jobs, 1, 0, 60_000, null);
    }

    static String events(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws IOException {
        endings.release();
        scheduler.stopAll(Duration.ofSeconds(5));
        endings.close();
        http.close();
        store.close();
    }
}
