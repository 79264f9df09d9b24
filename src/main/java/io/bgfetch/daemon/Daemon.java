package io.bgfetch.daemon;

import io.bgfetch.Version;
import io.bgfetch.home.BgfetchHome;
import io.bgfetch.home.FileProblem;
import io.bgfetch.home.PrivateFiles;
import io.bgfetch.protocol.ExitCode;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.FetchStore;
import io.bgfetch.store.RecordRow;
import io.bgfetch.transfer.HttpTransport;
import io.bgfetch.transfer.RecordDownload;
import io.bgfetch.transfer.TransferFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The worker daemon's life: take the home's lock (one daemon per home), open the store, listen
 * on the socket, resume every unfinished fetch from its stored bytes, and on {@code daemon stop}
 * or SIGTERM stop gracefully: every transfer saves its progress before the process exits.
 */
public final class Daemon {
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    private final BgfetchHome home;
    private final String version;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicBoolean stopped = new AtomicBoolean();
    private DaemonLock lock;
    private FetchStore store;
    private HttpTransport http;
    private Scheduler scheduler;
    private SocketServer server;

    private Daemon(BgfetchHome home, String version) {
        this.home = home;
        this.version = version;
    }

    /**
     * The system property by which a client tells the daemon it spawns to write its log to
     * {@code HOME/daemon.log} itself (value {@code file}); without it, as for {@code daemon run}
     * in the foreground, the log goes to stderr. (DaemonStarter spells out the same name.)
     */
    public static final String LOG_PROPERTY = "bgfetch.log";

    /**
     * The entry point of a daemon process (spawned by a client, or run by the launcher's
     * {@code daemon run}): it has no command line to parse, so it loads no picocli.
     */
    public static void main(String[] args) {
        int code;
        try {
            code = run(BgfetchHome.fromEnvironment(), Version.get());
        } catch (RuntimeException e) { // a BGFETCH_HOME that is no path
            System.err.println("bgfetch: the daemon cannot start: " + FileProblem.describe(e));
            code = ExitCode.DAEMON_UNAVAILABLE.code();
        }
        System.out.flush();
        System.exit(code);
    }

    /** Runs a daemon in this process until it is told to stop; returns the process exit code. */
    public static int run(BgfetchHome home, String version) {
        Daemon d = new Daemon(home, version);
        try {
            home.create();
            d.setUpLog();
            d.lock = DaemonLock.tryAcquire(home.daemonLock());
            if (d.lock == null) {
                System.err.println("bgfetch: a daemon is already running for " + home.root());
                return ExitCode.CONFLICT.code();
            }
            d.start();
        } catch (Throwable e) {
            // Whatever it is (a missing native library, say), one line, no stack trace; the
            // spawning client shows this last line as the reason.
            Log.error("cannot start", e);
            System.err.println("bgfetch: the daemon cannot start: " + FileProblem.describe(e));
            d.stop();
            return ExitCode.DAEMON_UNAVAILABLE.code();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(d::stop, "bgfetch-shutdown"));
        try {
            d.stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        d.stop();
        return ExitCode.OK.code();
    }

    /**
     * A spawned daemon logs to HOME/daemon.log itself, kept bounded; its stdout and stderr go to
     * the same file (the spawning client set that up), for what the JVM prints on its own. The
     * file is watched in the foreground too, since hooks append their output to it.
     */
    private void setUpLog() {
        LogFile file = new LogFile(home.logFile(), DaemonSettings.logMaxBytes(System.getenv()));
        if ("file".equals(System.getProperty(LOG_PROPERTY))) {
            Log.toFile(file);
        }
        file.watch();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> Log.error("unexpected failure in " + t.getName(), e));
    }


    private void start() throws IOException {
        Files.writeString(PrivateFiles.file(home.pidFile()), ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
        DaemonSettings settings = DaemonSettings.fromEnvironment(System.getenv());
        store = openStore();
        BodyPaths paths = new BodyPaths(PrivateFiles.directories(home.storeDir()));
        // Before anything resumes or registers: then whatever no row refers to is an orphan.
        OrphanSweep.of(store, paths).ifPresent(OrphanSweep::run);
        // Before any hook fires or fetch resumes: what a power cut took from done bodies.
        new UnsyncedBodies(store, paths, settings.transfer().disk()).check();
        StorageBudget budget = new StorageBudget(home.storeDir(), settings.quotaBytes());
        reserveStoredBodies(budget);
        http = new HttpTransport(settings.transfer(), version);
        HookRunner hooks = new HookRunner(store, paths, home.root(), home.logFile());
        ChangeSignal changes = new ChangeSignal();
        DaemonContext ctx = new DaemonContext(home, version, settings, store, http, paths, budget,
                new FetchEnding(store, paths, budget, hooks, changes), changes);
        scheduler = new Scheduler(ctx);
        RequestHandler handler = new RequestHandler(ctx, scheduler, stopRequested::countDown);
        server = SocketServer.bind(home.socket(), handler, version);
        linkSocketIntoHome();
        server.serveInBackground();
        Log.info("daemon " + version + " started (pid " + ProcessHandle.current().pid() + ", socket " + home.socket() + ")");
        for (FetchRow f : store.withPendingHooks()) {
            hooks.fire(f);
        }
        scheduler.resumeUnfinished();
    }

    /**
     * Opens the database. A damaged one is never trusted: it is moved aside with the bodies it
     * described (named {@code *.corrupt-<time>}, for a person to inspect) and the daemon starts
     * afresh, so that bgfetch keeps working and says why in its log.
     */
    private FetchStore openStore() throws IOException {
        try {
            return FetchStore.open(home.database());
        } catch (FetchStore.CorruptDatabaseException e) {
            String suffix = ".corrupt-" + java.time.Instant.now().toString().replace(':', '-');
            for (Path p : List.of(home.database(), Path.of(home.database() + "-wal"),
                    Path.of(home.database() + "-shm"), home.storeDir())) {
                if (Files.exists(p)) {
                    Files.move(p, Path.of(p + suffix));
                }
            }
            Log.error("the database was damaged and has been set aside as " + home.database() + suffix
                    + "; starting with an empty one", e);
            return FetchStore.open(home.database());
        }
    }

    /** Bodies already stored (and --dest part files) count against the quota. */
    private void reserveStoredBodies(StorageBudget budget) {
        for (FetchRow f : store.list(true)) {
            for (RecordRow r : store.records(f.key())) {
                if (!r.isFailed() && r.size() > 0 && !r.isPlaced()) { // placed files are the user's
                    try {
                        budget.reserve(f.key(), r.idx(), r.size());
                    } catch (TransferFailure.Permanent overQuota) {
                        // already stored: it stays, and new bodies will not fit
                    }
                }
            }
        }
    }

    /** For a long home the socket lives elsewhere; a link in the home shows where. */
    private void linkSocketIntoHome() {
        if (!home.socketOutsideHome()) {
            return;
        }
        Path link = home.root().resolve("daemon.sock");
        try {
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, home.socket());
        } catch (IOException | UnsupportedOperationException e) {
            Log.info("no daemon.sock link in the home: " + e.getMessage());
        }
    }

    /** Idempotent graceful stop: called by the stop request, SIGTERM's hook, or a failed start. */
    private void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        if (server != null) {
            server.close();
        }
        if (scheduler != null) {
            scheduler.stopAll(SHUTDOWN_WAIT);
        }
        // Done bodies still waiting for their fsync: a clean stop leaves nothing to check.
        if (!RecordDownload.awaitLateSyncs(SHUTDOWN_WAIT)) {
            Log.info("some done bodies were not fsynced in time; the next start checks them");
        }
        if (http != null) {
            try {
                http.close();
            } catch (IOException ignored) {
                // exiting
            }
        }
        if (store != null) {
            store.close();
        }
        if (lock != null) {
            try {
                Files.deleteIfExists(home.pidFile());
                lock.close();
            } catch (IOException ignored) {
                // the kernel drops the lock at exit anyway
            }
            Log.info("daemon stopped");
        }
    }
}
