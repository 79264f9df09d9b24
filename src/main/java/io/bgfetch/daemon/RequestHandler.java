package io.bgfetch.daemon;

import io.bgfetch.protocol.DaemonInfo;
import io.bgfetch.protocol.ExitCodes;
import io.bgfetch.protocol.RecordInfo;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Reply;
import io.bgfetch.protocol.Request;
import io.bgfetch.store.StoreException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Routes each request to the code that answers it; streaming requests send several replies. */
final class RequestHandler {
    /** Sends replies on one connection. */
    interface ReplySink {
        void send(Reply reply) throws IOException;

        /** True once the client has gone: a stream that writes only on change stops then. */
        default boolean clientGone() {
            return false;
        }
    }

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

    void handle(Request request, ReplySink out) throws IOException {
        try {
            if (request instanceof Request.Watch w) {
                watch(w, out);
            } else if (request instanceof Request.Follow f) {
                follow(f, out);
            } else if (request instanceof Request.Shutdown) {
                out.send(Reply.of(Map.of("stopping", true)));
                shutdown.run();
            } else {
                out.send(Reply.of(answer(request)));
            }
        } catch (FetchService.Refusal r) {
            out.send(Reply.failure(r.exitCode, r.getMessage()));
        } catch (StoreException e) {
            Log.error("database failure answering " + request, e);
            out.send(Reply.failure(ExitCodes.LOCAL_IO, "the daemon's database failed: " + e.getMessage()));
        }
    }

    private Object answer(Request request) {
        if (request instanceof Request.Fetch f) {
            return fetches.register(f).toJson();
        } else if (request instanceof Request.ListFetches l) {
            return json(fetches.list(l.all()));
        } else if (request instanceof Request.Status s) {
            return json(fetches.status(s.ids()));
        } else if (request instanceof Request.Abort a) {
            return fetches.abort(a.id()).toJson();
        } else if (request instanceof Request.Pause p) {
            return fetches.pause(p.id()).toJson();
        } else if (request instanceof Request.Resume r) {
            return fetches.resume(r.id()).toJson();
        } else if (request instanceof Request.Records r) {
            return fetches.records(r.id());
        } else if (request instanceof Request.Match m) {
            return fetches.match(m.id(), m.url(), m.ignoreSearch());
        } else if (request instanceof Request.Remove r) {
            return fetches.remove(r.ids());
        } else if (request instanceof Request.Info) {
            return info().toJson();
        }
        throw new FetchService.Refusal(ExitCodes.USAGE, "unsupported request " + request.getClass().getSimpleName());
    }

    DaemonInfo info() {
        return new DaemonInfo(ProcessHandle.current().pid(), ctx.version(),
                Duration.between(started, Instant.now()).toSeconds(), ctx.home().socket().toString(),
                ctx.home().root().toString(), scheduler.activeCount());
    }

    /** Status snapshots until every named fetch (or every active one) is done. */
    private void watch(Request.Watch w, ReplySink out) throws IOException {
        long interval = Math.max(100, w.intervalMillis());
        List<String> ids = w.ids() == null || w.ids().isEmpty()
                ? fetches.status(List.of()).stream().map(Registration::id).toList() : w.ids();
        while (true) {
            long seen = ctx.changes().version();
            List<Registration> regs = fetches.status(ids);
            boolean allDone = regs.stream().allMatch(Registration::isDone);
            out.send(allDone ? Reply.of(json(regs)) : Reply.partial(json(regs)));
            if (allDone || out.clientGone()) {
                return;
            }
            await(seen, interval);
        }
    }

    /** Record snapshots while the body arrives; the reader reads the file up to {@code available}. */
    private void follow(Request.Follow f, ReplySink out) throws IOException {
        long last = -1;
        while (true) {
            long seen = ctx.changes().version();
            RecordInfo r = fetches.match(f.id(), f.url(), f.ignoreSearch());
            boolean ended = r.isDone() || r.isFailed();
            if (ended) {
                out.send(Reply.of(r));
                return;
            }
            if (r.available() != last) {
                out.send(Reply.partial(r));
                last = r.available();
            }
            if (out.clientGone()) {
                return;
            }
            await(seen, 50);
        }
    }

    private static List<Map<String, Object>> json(List<Registration> regs) {
        return regs.stream().map(Registration::toJson).toList();
    }

    /** Waits for the next change of any fetch, or at most {@code millis}. */
    private void await(long seen, long millis) throws IOException {
        try {
            ctx.changes().awaitAfter(seen, millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
