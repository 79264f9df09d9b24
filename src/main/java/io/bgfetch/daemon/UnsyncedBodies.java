package io.bgfetch.daemon;

import io.bgfetch.lifecycle.FailureReason;
import io.bgfetch.lifecycle.FetchResult;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.FetchStore;
import io.bgfetch.store.RecordRow;
import io.bgfetch.transfer.BodyDisk;
import io.bgfetch.transfer.Segment;
import io.bgfetch.transfer.StoredBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The start-up check of the bodies that were done but not yet durable when the last daemon
 * stopped. A complete body is fsynced after its record is done (by a background thread, so
 * that a transfer ends with its last byte, not with the disk), so an unclean stop can leave done
 * records whose last bytes are recorded, with a checksum per block, but not marked durable. A
 * SIGKILL loses none of them (the kernel holds them); a power cut may. Before anything reads or
 * resumes, each such body is checked against its checksums:
 *
 * <ul>
 * <li>All there (always after a SIGKILL): the body is fsynced now and marked durable.</li>
 * <li>Some lost: the record is pending again, keeping the blocks that match, and its fetch runs
 * again to fetch the rest (a fetch that had ended is queued again, and announces its new ending
 * with its hook). A placed {@code --dest} file goes back to its part file for that, and is placed
 * under its name again when the fetch succeeds. A fetch that had ended in failure stays ended:
 * the record it had kept complete fails too, as its body is gone.</li>
 * </ul>
 * Runs before the pending hooks fire and before any fetch resumes, so nothing has seen the damage.
 */
final class UnsyncedBodies {
    private final FetchStore store;
    private final BodyPaths paths;
    private final BodyDisk disk;

    UnsyncedBodies(FetchStore store, BodyPaths paths, BodyDisk disk) {
        this.store = store;
        this.paths = paths;
        this.disk = disk;
    }

    void check() {
        for (long[] pair : store.doneNotDurable()) {
            long key = pair[0];
            int idx = (int) pair[1];
            Optional<FetchRow> f = store.find(key);
            Optional<RecordRow> r = store.record(key, idx);
            if (f.isPresent() && r.isPresent()) {
                try {
                    check(f.get(), r.get());
                } catch (IOException | RuntimeException e) {
                    Log.error("cannot check the body of fetch " + key + " record " + idx
                            + "; it is checked again at the next start", e);
                }
            }
        }
    }

    private void check(FetchRow f, RecordRow r) throws IOException {
        Path file = paths.current(f, r);
        List<Segment> plan = RecordProgress.storedPlan(store, f.key(), r.idx());
        Map<Segment, Long> shortfall = StoredBytes.shortfall(disk, file, plan);
        if (shortfall.isEmpty()) {
            try (BodyDisk.Handle h = disk.open(file)) {
                h.force();
            }
            int[] segs = new int[plan.size()];
            long[] bytes = new long[plan.size()];
            for (int i = 0; i < segs.length; i++) {
                segs[i] = plan.get(i).index();
                bytes[i] = plan.get(i).written();
            }
            store.durable(f.key(), r.idx(), segs, bytes, false);
            return;
        }
        long lost = shortfall.entrySet().stream().mapToLong(e -> e.getKey().written() - e.getValue()).sum();
        String what = "fetch " + f.key() + " ('" + f.id() + "') record " + r.idx() + ": a power cut lost " + lost
                + " bytes of its body before they were on disk";
        if (f.isDone() && f.result() == FetchResult.FAILURE) {
            loseKeptBody(f, r, file, what);
            return;
        }
        String placing = null;
        Path part = f.options().dest() == null ? null : paths.part(f, r.idx());
        if (part != null && !file.equals(part)) {
            // A placed (or placing) file: back to its part file, so the transfer goes on in it.
            Files.move(file, part, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            placing = file.toString();
        }
        Map<Integer, Long> kept = new LinkedHashMap<>();
        shortfall.forEach((segment, bytes) -> kept.put(segment.index(), bytes));
        if (store.states().reopen(f.key(), r.idx(), kept, placing)) {
            Log.info(what + "; they are fetched again" + (f.isDone() ? " (the fetch runs again)" : ""));
        }
    }

    /** A fetch that ended in failure keeps its complete bodies as a courtesy; a damaged one is dropped. */
    private void loseKeptBody(FetchRow f, RecordRow r, Path file, String what) throws IOException {
        if (store.states().loseBody(f.key(), r.idx(), FailureReason.FETCH_ERROR, "its body was lost in a power cut")) {
            Files.deleteIfExists(file);
            Log.info(what + "; the fetch had failed, so the record fails too");
        }
    }
}
