package io.bgfetch.daemon;

import io.bgfetch.home.BgfetchHome;
import io.bgfetch.home.PrivateFiles;
import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Request;
import io.bgfetch.protocol.RequestSpec;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.FetchStore;
import io.bgfetch.store.RecordRow;
import io.bgfetch.transfer.HttpTransport;
import io.bgfetch.transfer.TransferSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The daemon's middle layer in the test's own process, over a home in a temporary directory:
 * the store, the scheduler and the fetch service, with no socket. Requests go to the service
 * directly, and a test can stop it (gracefully, or after pulling the power) and start another
 * on what is left, as the daemon does on its next start.
 */
final class InProcessDaemon implements AutoCloseable {
    final BgfetchHome home;
    final DaemonContext ctx;
    final Scheduler scheduler;
    final FetchService fetches;
    private boolean stopped;

    private InProcessDaemon(BgfetchHome home, DaemonContext ctx) {
        this.home = home;
        this.ctx = ctx;
        this.scheduler = new Scheduler(ctx);
        this.fetches = new FetchService(ctx, scheduler);
    }

    /** Opens the home's store and resumes every unfinished fetch, as a daemon's start does. */
    static InProcessDaemon start(Path root, TransferSettings transfer, FetchStore.CommitListener commits)
            throws IOException {
        BgfetchHome home = BgfetchHome.from(Map.of("BGFETCH_HOME", root.toString()));
        home.create();
        FetchStore store = FetchStore.open(home.database(), commits);
        BodyPaths paths = new BodyPaths(PrivateFiles.directories(home.storeDir()));
        StorageBudget budget = new StorageBudget(home.storeDir(), 0);
        HttpTransport http = new HttpTransport(transfer, "test");
        ChangeSignal changes = new ChangeSignal();
        HookRunner hooks = new HookRunner(store, paths, home.root(), home.logFile());
        DaemonContext ctx = new DaemonContext(home, "test", new DaemonSettings(transfer, 0, 16), store, http, paths,
                budget, new FetchEnding(store, paths, budget, hooks, changes), changes);
        InProcessDaemon d = new InProcessDaemon(home, ctx);
        d.scheduler.resumeUnfinished();
        return d;
    }

    static Path databaseOf(Path root) {
        return BgfetchHome.from(Map.of("BGFETCH_HOME", root.toString())).database();
    }

    /** Registers a fetch of {@code urls} as {@code bgfetch fetch} would (after the client's checks). */
    Registration fetch(String id, FetchOptions options, String... urls) {
        List<RequestSpec> specs = java.util.Arrays.stream(urls).map(RequestSpec::new).toList();
        return fetches.register(new Request.Fetch(id, specs, options));
    }

    FetchRow row(String id) {
        return ctx.store().find(id).orElseThrow();
    }

    List<RecordRow> records(String id) {
        return ctx.store().records(row(id).key());
    }

    Path body(String id, int index) {
        return ctx.paths().body(row(id).key(), index);
    }

    /** Stops the runs (each saves what it can), then closes the store: the process ends. */
    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        scheduler.stopAll(Duration.ofSeconds(10));
        try {
            ctx.http().close();
        } catch (IOException ignored) {
            // closing
        }
        ctx.store().close();
    }

    @Override
    public void close() {
        stop();
    }
}
