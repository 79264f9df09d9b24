package io.bgfetch.daemon;

import io.bgfetch.home.PrivateFiles;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.FetchStore;
import io.bgfetch.store.PlacedFile;
import io.bgfetch.store.RecordRow;
import io.bgfetch.transfer.DirectoryCreateLock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code --dest} bodies once. Each body arrives in its hidden part file in the destination
 * ({@link BodyPaths#part}), created with the user's usual mode, and is made durable before its
 * record is done; when the whole fetch has succeeded every part file is renamed to its final name
 * (atomically: never a half-written file under that name), the directory is synced once, and the
 * records point at the placed files. From then on a placed file is the user's: the store keeps no
 * copy, {@code rm} leaves it alone, and {@code match} serves it while it is as bgfetch left it.
 *
 * <p>Names come from {@link DestNames}, {@code out=} names taking theirs first, then the files
 * already in place (a body {@code --if-changed} kept, or a placement a crash cut short). An
 * existing file of the same name is replaced, except the file of a record that {@code --if-changed}
 * found not modified: that one is left exactly as it is (same inode, same mtime).
 *
 * <p>Crash safety: the chosen names are committed (as {@link PlacedFile#PLACING}) before the first
 * rename, and the placed files' modification times after the directory sync, so a daemon that
 * dies in between finishes the same placement on its next start. A fetch that does not succeed
 * leaves no part file behind ({@link #withdraw}).
 */
final class DestPlacer {
    private final BodyPaths paths;
    private final FetchStore store;

    DestPlacer(BodyPaths paths, FetchStore store) {
        this.paths = paths;
        this.store = store;
    }

    /**
     * The file a record's transfer writes: for {@code --dest}, its part file, created here (with
     * the destination) with the user's usual mode, which the placed file keeps; else the store's
     * body. A destination that cannot be created is left to the transfer to report.
     */
    static Path prepare(BodyPaths paths, FetchRow f, int index) {
        Path file = paths.download(f, index);
        if (f.options().dest() != null) {
            try {
                if (!Files.isDirectory(file.getParent())) {
                    Files.createDirectories(file.getParent());
                }
                DirectoryCreateLock.creating(file.getParent(), () -> Files.createFile(file));
            } catch (FileAlreadyExistsException resumed) {
                // the part file of an earlier attempt: the transfer goes on from its checkpoints
            } catch (IOException e) {
                Log.info("cannot create " + file + ": " + e.getMessage());
            }
        }
        return file;
    }

    /**
     * Places every body of a successful fetch and records where.
     *
     * @return record index to the placed file
     */
    Map<Integer, Path> place(FetchRow f, List<RecordRow> records) throws IOException {
        Path dest = Path.of(f.options().dest());
        Files.createDirectories(dest);
        Map<Integer, Path> targets = names(dest, records);
        Map<Integer, Path> sources = new HashMap<>();
        List<PlacedFile> intents = new ArrayList<>();
        for (RecordRow r : records) {
            Path source = source(f, r, dest);
            if (source == null) {
                throw new IOException("the body of " + r.url() + " is missing");
            }
            sources.put(r.idx(), source);
            Path target = targets.get(r.idx());
            if (!source.equals(target) && !(r.isPlacing() && target.equals(Path.of(r.destPath())))) {
                intents.add(new PlacedFile(r.idx(), target.toString(), PlacedFile.PLACING));
            }
        }
        if (!intents.isEmpty()) {
            store.setPlacements(f.key(), intents);
        }
        for (RecordRow r : records) {
            Path source = sources.get(r.idx());
            Path target = targets.get(r.idx());
            if (source.equals(target)) {
                continue;
            }
            if (!dest.equals(source.getParent())) {
                source = copyIn(source, paths.part(f, r.idx())); // a body an older bgfetch kept in the store
            }
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(dest);
        List<PlacedFile> placed = new ArrayList<>();
        for (RecordRow r : records) {
            Path target = targets.get(r.idx());
            placed.add(new PlacedFile(r.idx(), target.toString(), Files.getLastModifiedTime(target).toMillis()));
            Path part = paths.part(f, r.idx());
            if (!part.equals(sources.get(r.idx()))) {
                deleteQuietly(part); // what a re-check answered 304 left: an empty part (a renamed one is gone)
            }
        }
        // Not forced: the fetch's ending, a FULL commit, follows at once and makes it durable. A
        // power cut in between leaves the placement marked placing, which the next start finishes.
        store.setPlacements(f.key(), placed, false);
        return targets;
    }

    /** Every record's final file: out= names first, then files already in place, then the rest. */
    private static Map<Integer, Path> names(Path dest, List<RecordRow> records) {
        Map<Integer, Path> targets = new LinkedHashMap<>();
        DestNames.Taken taken = new DestNames.Taken();
        for (RecordRow r : records) {
            if (r.outName() != null) {
                taken.add(r.outName());
                targets.put(r.idx(), dest.resolve(r.outName()));
            }
        }
        for (RecordRow r : records) {
            Path named = alreadyNamed(dest, r);
            if (r.outName() == null && named != null && taken.add(named.getFileName().toString())) {
                targets.put(r.idx(), named);
            }
        }
        for (RecordRow r : records) {
            if (!targets.containsKey(r.idx())) {
                targets.put(r.idx(), dest.resolve(taken.unique(DestNames.nameFor(r))));
            }
        }
        return targets;
    }

    /**
     * The file that already has a record's name: a kept file, a placement cut short, or one
     * placed before (a fetch that runs again after a power cut damaged a sibling); else null.
     */
    private static Path alreadyNamed(Path dest, RecordRow r) {
        if (r.isPlacing() || (r.isPlaced() && !r.notModified())) {
            return Path.of(r.destPath());
        }
        return keptFile(dest, r);
    }

    /** The file a not-modified record already has in {@code dest} from the run before, or null. */
    private static Path keptFile(Path dest, RecordRow r) {
        if (!r.notModified() || r.destPath() == null) {
            return null;
        }
        Path file = Path.of(r.destPath());
        return dest.equals(file.getParent()) && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? file : null;
    }

    /** Where a record's body is now, or null when it is nowhere. */
    private Path source(FetchRow f, RecordRow r, Path dest) {
        Path part = paths.part(f, r.idx());
        if (r.isPlacing()) {
            return Files.exists(part) ? part : existing(Path.of(r.destPath()));
        }
        if (r.isPlaced() && !r.notModified()) {
            return existing(Path.of(r.destPath())); // placed before: already where it goes
        }
        if (r.notModified()) {
            // A 304 keeps the previous body: the placed file, or (placed by an older bgfetch, as a
            // copy) the file in dest or else the store's body. Its part file is empty.
            Path kept = r.isPlaced() ? existing(Path.of(r.destPath())) : keptFile(dest, r);
            return kept != null || r.isPlaced() ? kept : existing(paths.body(f.key(), r.idx()));
        }
        if (Files.exists(part)) {
            return part;
        }
        return existing(paths.body(f.key(), r.idx())); // downloaded into the store by an older bgfetch
    }

    private static Path existing(Path p) {
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? p : null;
    }

    /**
     * A fetch that did not succeed leaves no part file in the destination: with {@code
     * keepComplete} the complete bodies move into the store (they stay matchable, as without
     * {@code --dest}), every other part file is deleted.
     */
    void withdraw(FetchRow f, List<RecordRow> records, boolean keepComplete) {
        if (f.options().dest() == null) {
            return;
        }
        for (RecordRow r : records) {
            Path part = paths.part(f, r.idx());
            if (!Files.exists(part, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (keepComplete && r.isDone() && !r.notModified()) {
                try {
                    Path body = paths.body(f.key(), r.idx());
                    PrivateFiles.directories(body.getParent());
                    moveIntoStore(part, body);
                    continue;
                } catch (IOException e) {
                    Log.error("cannot keep the body of " + r.url() + " in the store; it is deleted", e);
                }
            }
            deleteQuietly(part);
        }
    }

    /** A rename within one file system, else a copy (made durable) and the part deleted. */
    private static void moveIntoStore(Path part, Path body) throws IOException {
        try {
            Files.move(part, body, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException otherFileSystem) {
            Files.copy(part, body, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(body, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.delete(part);
        }
        PrivateFiles.restrict(body);
        syncDirectory(body.getParent());
    }

    /** Copies a store body into {@code temp} in the destination (made durable); returns temp. */
    private static Path copyIn(Path body, Path temp) throws IOException {
        Files.deleteIfExists(temp);
        // Created here, not by Files.copy (which would give it the store's 0600).
        try (FileChannel in = FileChannel.open(body, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            for (long done = 0; done < size; ) {
                done += in.transferTo(done, size - done, out);
            }
            out.force(true);
        }
        return temp;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every filesystem lets a directory be synced; the renames are still atomic
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
