package io.bgfetch.daemon;

import com.fasterxml.jackson.jr.ob.JSON;
import io.bgfetch.lifecycle.FetchState;
import io.bgfetch.lifecycle.RecordState;
import io.bgfetch.lifecycle.WireName;
import io.bgfetch.protocol.RecordInfo;
import io.bgfetch.protocol.Registration;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.FetchStore;
import io.bgfetch.store.RecordRow;
import io.bgfetch.store.RecordTally;
import io.bgfetch.store.SegmentRow;
import io.bgfetch.transfer.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the contract's JSON views from stored rows and, for running fetches, their records'
 * live view: the one place where states become the contract's words.
 */
final class Snapshots {
    private final FetchStore store;
    private final BodyPaths paths;

    Snapshots(FetchStore store, BodyPaths paths) {
        this.store = store;
        this.paths = paths;
    }

    /**
     * A fetch's registration. Taken several times a second while anyone watches, so it reads
     * only each record's tally (no JSON), and the full rows of the records being transferred.
     *
     * @param liveRecords the live view of the fetch's run, or null when none runs
     */
    Registration registration(FetchRow f, LiveRecords liveRecords) {
        // A stored paused or done wins: the run may linger a moment after storing it (hooks, clean-up).
        LiveRecords live = f.state() == FetchState.QUEUED || f.state() == FetchState.ACTIVE ? liveRecords : null;
        List<RecordTally> records = store.tallies(f.key());
        int completed = (int) records.stream().filter(RecordTally::isDone).count();
        FetchState state = f.state();
        long downloaded;
        String message = f.message();
        Instant next = null;
        long rate = 0;
        if (live != null) {
            downloaded = live.downloaded();
            state = live.state();
            rate = live.bytesPerSecond();
            if (state == FetchState.WAITING) {
                message = live.waitingMessage();
                next = live.nextAttempt();
            }
        } else {
            downloaded = storedBytes(records);
        }
        return new Registration(f.id(), f.title(), state.wire(), WireName.of(f.result()), WireName.of(f.failureReason()),
                downloaded, f.downloadTotal(), live != null ? Math.max(live.uploaded(), f.uploaded()) : f.uploaded(),
                f.uploadTotal(), records.size(), completed, completed > 0, f.createdAt(), f.finishedAt(), message,
                next == null ? null : next.toString(), f.options().dest(), rate, expectedTotal(f, records),
                transfers(f, records, live));
    }

    /**
     * downloadTotal when given, else the sum of the body sizes once every one is known: a done
     * record's stored size, an arriving body's announced length; failed records count as 0. A
     * record still waiting for its head, answered with an error it will retry, or arriving
     * without a length leaves the total unknown (0).
     */
    static long expectedTotal(FetchRow f, List<RecordTally> records) {
        if (f.downloadTotal() > 0) {
            return f.downloadTotal();
        }
        long sum = 0;
        for (RecordTally r : records) {
            if (r.isFailed()) {
                continue;
            }
            if (r.size() < 0 || !r.hasBodyHead()) {
                return 0;
            }
            sum += r.size();
        }
        return sum;
    }

    /** The records being transferred now, with their own bytes and rate. */
    private List<Registration.Transfer> transfers(FetchRow f, List<RecordTally> records, LiveRecords live) {
        if (live == null) {
            return List.of();
        }
        List<Registration.Transfer> out = new ArrayList<>();
        for (RecordTally t : records) {
            RecordView v = t.isFinished() ? null : live.view(t.idx());
            RecordRow r = v == null || !v.status().isTransferring() ? null : store.record(f.key(), t.idx()).orElse(null);
            if (r != null) {
                out.add(new Registration.Transfer(r.idx(), r.url(), DestNames.nameFor(r), v.bytes(),
                        announcedSize(r), v.bytesPerSecond()));
            }
        }
        return out;
    }

    /** The stored head is a body's (2xx), not an error response kept to say why a retry waits. */
    private static boolean hasBodyHead(RecordRow r) {
        return r.status() >= 200 && r.status() <= 299;
    }

    /** The length a body's head announced, 0 when it announced none or no body head arrived yet. */
    private static long announcedSize(RecordRow r) {
        return hasBodyHead(r) ? Math.max(0, r.size()) : 0;
    }

    /** @param live the live view of the record's fetch, or null when no run works on it */
    RecordInfo record(FetchRow f, RecordRow r, LiveRecords live) {
        RecordView view = live == null ? null : live.view(r.idx());
        RecordView.Body liveBody = view == null ? null : view.liveBody();
        List<Segment> livePlan = liveBody == null ? null : liveBody.plan();
        long generation = liveBody == null ? r.generation() : liveBody.generation(); // the one these bytes are of
        long downloaded;
        long available;
        if (r.isDone()) {
            downloaded = Math.max(r.size(), storedSegmentBytes(store.segments(r.fetchKey(), r.idx())));
            available = downloaded;
        } else if (livePlan != null) {
            downloaded = livePlan.stream().mapToLong(Segment::written).sum();
            available = contiguous(livePlan.stream().map(s -> new long[] {s.start(), s.written(), s.end()}).toList());
        } else {
            List<SegmentRow> segs = store.segments(r.fetchKey(), r.idx());
            downloaded = storedSegmentBytes(segs);
            available = contiguous(segs.stream().map(s -> new long[] {s.start(), s.done(), s.end()}).toList());
        }
        RecordState state = r.state();
        if (!r.isFinished()) {
            state = view != null && view.status().isTransferring() ? RecordState.ACTIVE : RecordState.PENDING;
        }
        // The body's file: in the store, a --dest part file, or the file --dest placed.
        Path body = paths.current(f, r);
        String path = !r.isFailed() && Files.exists(body) ? body.toString() : null;
        String error = r.error();
        String changed = r.isDone() && r.isPlaced() ? PlacedCheck.change(body, r) : null;
        if (changed != null) {
            path = null; // not the body bgfetch placed any more: match has nothing to give
            error = changed;
        }
        // Never negative (the contract): the body's size once done, the announced length while
        // it arrives, 0 when no length is known or there is no body (failed).
        long size = r.isDone() ? downloaded : r.isFailed() ? 0 : announcedSize(r);
        return new RecordInfo(r.url(), r.method(), state.wire(), r.status(), headers(r.headersJson()), size,
                downloaded, path, available, r.statusText(), error, r.destPath(), r.notModified(), generation);
    }

    /** Bytes stored for a fetch's bodies: complete ones whole, others as far as checkpointed. */
    static long storedBytes(List<RecordTally> records) {
        return records.stream().mapToLong(RecordTally::bytesStored).sum();
    }

    /** Bytes stored for one body: all of a complete one, a pending one's checkpoints, none of a failed one. */
    static long storedBytes(FetchStore store, RecordRow r) {
        if (r.isFailed()) {
            return 0;
        }
        long segs = storedSegmentBytes(store.segments(r.fetchKey(), r.idx()));
        return r.isDone() ? Math.max(r.size(), segs) : segs;
    }

    private static long storedSegmentBytes(List<SegmentRow> segs) {
        return segs.stream().mapToLong(SegmentRow::done).sum();
    }

    /** How many bytes from the start of the body are on disk in order: what a reader may stream. */
    private static long contiguous(List<long[]> segments) {
        List<long[]> sorted = new ArrayList<>(segments);
        sorted.sort(Comparator.comparingLong(s -> s[0]));
        long cursor = 0;
        for (long[] s : sorted) {
            if (s[0] != cursor) {
                break;
            }
            cursor = s[0] + s[1];
            if (s[2] < 0 || cursor < s[2]) {
                break;
            }
        }
        return cursor;
    }

    static Map<String, String> headers(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, String> out = new LinkedHashMap<>();
            JSON.std.mapFrom(json).forEach((k, v) -> out.put(k, String.valueOf(v)));
            return out;
        } catch (IOException e) {
            return Map.of();
        }
    }
}
