package io.bgfetch.daemon;

import io.bgfetch.store.RecordRow;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Places a successful fetch's bodies under {@code --dest}. Each file is first made complete
 * under a hidden temporary name in the destination (a copy, fsynced), then renamed into place, so a file never
 * appears half-written under its final name. The store keeps its own copy for {@code match}: a
 * copy rather than a hard link, so that editing the placed file cannot change the stored
 * response, and the placed file gets the user's usual permissions, not the store's 0600.
 *
 * <p>Names: {@code out=} when given (as given: the CLI checked it), else the file name the
 * server suggested in {@code Content-Disposition}, else the URL's last path segment; the last two
 * made safe (no path separators, no leading dot, no control characters, at most 240 bytes) and
 * every name unique within the fetch, {@code out=} names taking theirs first. An existing file of
 * the same name in the destination is replaced, except the file of a record that {@code
 * --if-changed} found not modified: that one is left exactly as it is (same inode, same mtime).
 */
final class DestPlacer {
    /** Room for "-NN" from {@link #unique} within a file system's 255-byte name limit. */
    private static final int MAX_NAME_BYTES = 240;

    private final BodyPaths paths;

    DestPlacer(BodyPaths paths) {
        this.paths = paths;
    }

    /** @return record index to the placed file */
    Map<Integer, Path> place(Path dest, List<RecordRow> records) throws IOException {
        Files.createDirectories(dest);
        Map<Integer, Path> placed = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        // The names the user chose, then the files left in place, before any derived name.
        for (RecordRow r : records) {
            if (r.outName() != null) {
                taken.add(r.outName().toLowerCase(Locale.ROOT));
            }
        }
        for (RecordRow r : records) {
            Path kept = keptFile(dest, r);
            if (kept != null && taken.add(kept.getFileName().toString().toLowerCase(Locale.ROOT))) {
                placed.put(r.idx(), kept);
            }
        }
        for (RecordRow r : records) {
            if (placed.containsKey(r.idx())) {
                continue;
            }
            String name = r.outName() != null ? r.outName() : unique(nameFor(r), taken);
            Path target = dest.resolve(name);
            // A short temporary name: a name near the 255-byte limit must still fit.
            Path temp = dest.resolve(".bgfetch-" + ProcessHandle.current().pid() + "-" + r.idx() + ".tmp");
            Files.deleteIfExists(temp);
            Path body = paths.body(r.fetchKey(), r.idx());
            if (!Files.exists(body)) {
                Files.createFile(body);
            }
            // Created here, not by Files.copy (which would give it the store's 0600): the placed
            // file gets the user's usual mode from the umask.
            try (FileChannel in = FileChannel.open(body, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long size = in.size();
                for (long done = 0; done < size; ) {
                    done += in.transferTo(done, size - done, out);
                }
                out.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
            placed.put(r.idx(), target);
        }
        syncDirectory(dest);
        return placed;
    }

    /**
     * The file a not-modified record already has in {@code dest} from the run before, or null:
     * it stays as it is rather than being copied again.
     */
    private static Path keptFile(Path dest, RecordRow r) {
        if (!r.notModified() || r.destPath() == null) {
            return null;
        }
        Path file = Path.of(r.destPath());
        return dest.equals(file.getParent()) && Files.isRegularFile(file) ? file : null;
    }

    /**
     * The name a record's body gets under {@code --dest} (before it is made unique): {@code out=},
     * else the server's Content-Disposition file name, else the URL's last path segment.
     */
    static String nameFor(RecordRow r) {
        if (r.outName() != null) {
            return r.outName();
        }
        String suggested = ContentDisposition.fileName(Snapshots.headers(r.headersJson()).get("content-disposition"));
        String name = suggested == null ? "" : clean(suggested);
        return name.isEmpty() ? nameFromUrl(r.url()) : name;
    }

    static String nameFromUrl(String url) {
        String path;
        try {
            path = URI.create(url).getRawPath();
        } catch (IllegalArgumentException e) {
            path = "";
        }
        // Split before decoding, so an encoded '/' stays inside the name (and is made safe).
        String last = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        try {
            // URLDecoder is a form decoder: protect '+', which in a path is a plus (c++.pdf).
            last = URLDecoder.decode(last.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException keepRaw) {
            // a stray % is kept as it is
        }
        return safe(last);
    }

    static String safe(String name) {
        String s = clean(name);
        return s.isEmpty() ? "download" : s;
    }

    /**
     * No separators, no control characters (nor the bidi controls that make "exe.txt" read as
     * "txt.exe"), no leading dot (so never "." or ".."), at most 240 bytes; may be empty.
     */
    private static String clean(String name) {
        StringBuilder b = new StringBuilder();
        name.codePoints().forEach(c -> b.appendCodePoint(c == '/' || c == '\\' || Character.isISOControl(c)
                || isBidiControl(c) ? '_' : c));
        String s = fitBytes(b.toString(), MAX_NAME_BYTES).strip();
        while (s.startsWith(".")) {
            s = s.substring(1).strip();
        }
        return s;
    }

    private static boolean isBidiControl(int c) {
        return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F;
    }

    /** File systems limit a name to 255 bytes, not characters; keep the end (the extension). */
    private static String fitBytes(String name, int maxBytes) {
        String s = name;
        while (s.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            s = s.substring(s.offsetByCodePoints(0, 1));
        }
        return s;
    }

    private static String unique(String name, Set<String> taken) {
        String candidate = name;
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        for (int n = 1; !taken.add(candidate.toLowerCase(Locale.ROOT)); n++) {
            candidate = stem + "-" + n + ext;
        }
        return candidate;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every filesystem lets a directory be synced; the renames are still atomic
        }
    }
}
