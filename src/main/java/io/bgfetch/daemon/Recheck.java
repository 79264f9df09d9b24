package io.bgfetch.daemon;

import io.bgfetch.home.PrivateFiles;
import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.protocol.RequestSpec;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.FetchStore;
import io.bgfetch.store.PreviousResponse;
import io.bgfetch.store.RecordRow;
import io.bgfetch.transfer.TransferFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code fetch --if-changed} carries over from the finished fetch of the same ID: for each
 * new request that the old fetch had completed (same URL, GET, same expected digest), the stored
 * response and its body file. The new fetch replaces the old one as {@code --replace} does, but
 * these bodies are moved to the new records instead of being deleted, so each stays until the
 * server answers: a 304 keeps it, a 200 replaces it. A body {@code --dest} placed is not moved: it
 * is the placed file, carried only while it is as bgfetch left it (same size and time).
 *

 * <p>While the new fetch runs, {@link #against} gives a record the validators to ask with and
 * {@link #keep} makes the previous response the record's again on a 304.
 *
 * <p>Crash safety: the new records are committed first, then the bodies moved, then the old
 * fetch's files deleted. A record whose body did not arrive (a crash in between) is simply
 * fetched without validators: {@link FetchRun} re-checks only a body of the previous size.
 */
final class Recheck {
    static final Recheck NONE = new Recheck(-1, List.of(), Map.of());

    private final long oldKey;
    private final List<PreviousResponse> previous;
    /** new record index -> old record index, for the bodies to move. */
    private final Map<Integer, Integer> bodies;

    private Recheck(long oldKey, List<PreviousResponse> previous, Map<Integer, Integer> bodies) {
        this.oldKey = oldKey;
        this.previous = previous;
        this.bodies = bodies;
    }

    /** Matches the new requests with the old fetch's complete records; NONE without a finished fetch of that ID. */
    static Recheck of(FetchStore store, BodyPaths paths, String id, List<RequestSpec> requests, FetchOptions options) {
        Optional<FetchRow> old = store.find(id);
        if (old.isEmpty() || !old.get().isDone() || !"GET".equals(options.method()) || options.uploadFile() != null) {
            return NONE; // an active fetch is refused by the store; other methods are not re-checked
        }
        long key = old.get().key();
        List<RecordRow> oldRecords = store.records(key);
        List<PreviousResponse> previous = new ArrayList<>();
        Map<Integer, Integer> bodies = new LinkedHashMap<>();
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < requests.size(); i++) {
            RequestSpec spec = requests.get(i);
            PreviousResponse carried = null;
            for (RecordRow r : oldRecords) {
                if (used.contains(r.idx()) || !r.isDone() || !"GET".equals(r.method())
                        || !r.url().equals(spec.url()) || !Objects.equals(r.sha256(), spec.sha256())) {
                    continue;
                }
                // A body --dest placed stays where it is (the user's file); one in the store moves.
                Path body = r.isPlaced() ? Path.of(r.destPath()) : paths.body(key, r.idx());
                long size = bodySize(body);
                if (size < 0 || (r.size() >= 0 && size != r.size())
                        || (r.isPlaced() && !r.destMtime().equals(mtime(body)))) {
                    continue; // no body to keep, or not the body the record describes (the user changed it)
                }
                used.add(r.idx());
                if (!r.isPlaced()) {
                    bodies.put(i, r.idx());
                }
                carried = new PreviousResponse(r.status(), r.statusText(), r.headersJson(), size, r.etag(),
                        r.lastModified(), r.destPath(), r.isPlaced() ? r.destMtime() : null);
                break;
            }
            previous.add(carried);
        }
        return previous.stream().allMatch(Objects::isNull) ? NONE : new Recheck(key, previous, bodies);
    }

    /** Per new request, the response it starts from, or null. */
    List<PreviousResponse> previous() {
        return previous;
    }

    /**
     * Moves the carried bodies from the replaced fetch to the new one. Does nothing when the
     * fetch replaced is not the one read (another command replaced it in between).
     */
    void moveBodies(BodyPaths paths, long replacedKey, long newKey) {
        if (replacedKey != oldKey) {
            return;
        }
        for (Map.Entry<Integer, Integer> e : bodies.entrySet()) {
            Path from = paths.body(oldKey, e.getValue());
            Path to = paths.body(newKey, e.getKey());
            try {
                PrivateFiles.directories(to.getParent());
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException ex) {
                Log.error("cannot keep the stored body " + from + " for its re-check; it is fetched again", ex);
            }
        }
    }

    // ---- while the new fetch runs ------------------------------------------------------------

    /**
     * The previous response a record is re-checked against: only while its body is still the
     * whole previous body (a crash may have left it missing or cut), else null and the request
     * is a plain one.
     */
    static PreviousResponse against(RecordRow r, Path body) {
        PreviousResponse p = r.previous();
        if (p == null || !p.hasValidators()) {
            return null;
        }
        if (p.isPlaced()) {
            // the file --dest placed, as bgfetch left it: the user may have changed or removed it since
            Path placed = Path.of(p.destPath());
            return bodySize(placed) == p.size() && p.destMtime().equals(mtime(placed)) ? p : null;
        }
        return bodySize(body) == p.size() ? p : null;
    }

    /**
     * A 304: the previous response is the record's again, its body and --dest file as they are.
     *
     * @return the kept body's size
     */
    static long keep(DaemonContext ctx, RecordRow r) {
        PreviousResponse p = r.previous();
        ctx.store().states().keepPrevious(r.fetchKey(), r.idx(), p);
        if (p.isPlaced()) {
            return p.size(); // the user's file: not the store's to count
        }
        try {
            ctx.budget().reserve(r.fetchKey(), r.idx(), p.size());
        } catch (TransferFailure.Permanent alreadyStored) {
            // it is on disk already; only new bodies are refused
        }
        return p.size();
    }

    private static Long mtime(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return null;
        }
    }

    private static long bodySize(Path body) {
        try {
            return Files.isRegularFile(body) ? Files.size(body) : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
