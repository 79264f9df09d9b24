package io.bgfetch.daemon;

import io.bgfetch.protocol.DaemonInfo;
import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.RecordInfo;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Reply;
import io.bgfetch.protocol.Request;
import io.bgfetch.store.StoreException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Answers each request with the {@link Request.Handler} method made for its type, and turns
 * refusals and database failures into failed replies with their exit codes.
 */
final class RequestHandler implements Request.Handler {
    /** Sends replies on one connection. */
    interface ReplySink {
        void send(Reply reply) throws IOException;

        /** True once the client has gone: a stream that writes only on change stops then. */
        default boolean clientGone() {
            return false;
        }
    }

    /** The least time between two watch snapshots; a state change waits at most this long. */
    private static final long WATCH_GAP_MILLIS = 50;

    private final FetchService fetches;
    private final DaemonContext ctx;
    private final Scheduler scheduler;
    private final Instant started = Instant.now();
    private final Runnable shutdown;

    RequestHandler(DaemonContext ctx, Scheduler scheduler, Runnable shutdown) {
        this.ctx = ctx;
        this.scheduler = scheduler;
        this.fetches = new FetchService(ctx, scheduler);
        this.shutdown = shutdown;
    }

    <R> void handle(Request<R> request, ReplySink out) throws IOException {
        try {
            R last = request.answer(this, new Request.Partial<>() {
                @Override
                public void send(R data) throws IOException {
                    out.send(Reply.partial(data));
                }

                @Override
                public boolean clientGone() {
                    return out.clientGone();
                }
            });
            out.send(Reply.of(last));
            if (request instanceof Request.Shutdown) {
                shutdown.run(); // after the reply: the client hears that the daemon is stopping
            }
        } catch (FetchService.Refusal r) {
            out.send(Reply.failure(r.exitCode, r.getMessage()));
        } catch (StoreException e) {
            Log.error("database failure answering " + request, e);
            out.send(Reply.failure(ExitCode.LOCAL_IO, "the daemon's database failed: " + e.getMessage()));
        }
    }

    @Override
    public Registration fetch(Request.Fetch request) {
        return fetches.register(request);
    }

    @Override
    public List<Registration> list(Request.ListFetches request) {
        return fetches.list(request.all());
    }

    @Override
    public List<Registration> status(Request.Status request) {
        return fetches.status(request.ids());
    }

    @Override
    public Registration abort(Request.Abort request) {
        return fetches.abort(request.id());
    }

    @Override
    public Registration pause(Request.Pause request) {
        return fetches.pause(request.id());
    }

    @Override
    public Registration resume(Request.Resume request) {
        return fetches.resume(request.id());
    }

    @Override
    public List<RecordInfo> records(Request.Records request) {
        return fetches.records(request.id());
    }

    @Override
    public RecordInfo match(Request.Match request) {
        return fetches.match(request.id(), request.url(), request.ignoreSearch());
    }

    @Override
    public List<String> remove(Request.Remove request) {
        return fetches.remove(request.ids());
    }

    @Override
    public DaemonInfo info(Request.Info request) {
        return new DaemonInfo(ProcessHandle.current().pid(), ctx.version(),
                Duration.between(started, Instant.now()).toSeconds(), ctx.home().socket().toString(),
                ctx.home().root().toString(), scheduler.activeCount());
    }

    @Override
    public Request.Stopping shutdown(Request.Shutdown request) {
        return new Request.Stopping(true);
    }

    /** Status snapshots until every named fetch (or every active one) is done; the last is returned. */
    @Override
    public List<Registration> watch(Request.Watch w, Request.Partial<List<Registration>> partial) throws IOException {
        long interval = Math.max(100, w.intervalMillis());
        List<String> ids = w.ids() == null || w.ids().isEmpty()
                ? fetches.status(List.of()).stream().map(Registration::id).toList() : w.ids();
        long seen = ctx.changes().version();
        List<Registration> regs = fetches.status(ids);
        while (!regs.stream().allMatch(Registration::isDone) && !partial.clientGone()) {
            partial.send(regs);
            long sentAt = System.nanoTime();
            await(seen, interval);
            seen = ctx.changes().version();
            regs = fetches.status(ids);
            // At most a few snapshots a second (a fetch of many small files changes all the time),
            // but the one that says every fetch is done goes out at once: `fetch --wait` ends then.
            long early = WATCH_GAP_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
            if (early > 0 && !regs.stream().allMatch(Registration::isDone)) {
                pause(early);
                seen = ctx.changes().version();
                regs = fetches.status(ids);
            }
        }
        return regs;
    }

    private static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** Record snapshots while the body arrives; the reader reads the file up to {@code available}. */
    @Override
    public RecordInfo follow(Request.Follow f, Request.Partial<RecordInfo> partial) throws IOException {
        long last = -1;
        while (true) {
            long seen = ctx.changes().anyVersion();
            RecordInfo r = fetches.match(f.id(), f.url(), f.ignoreSearch());
            if (r.isDone() || r.isFailed()) {
                return r;
            }
            if (r.available() != last) {
                partial.send(r);
                last = r.available();
            }
            if (partial.clientGone()) {
                return r;
            }
            try {
                ctx.changes().awaitAnyAfter(seen, 50); // its record's changes too
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }

    /** Waits for the next change of any fetch (not of its records), or at most {@code millis}. */
    private void await(long seen, long millis) throws IOException {
        try {
            ctx.changes().awaitAfter(seen, millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
