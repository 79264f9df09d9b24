package io.bgfetch.daemon;

import io.bgfetch.store.FetchRow;
import io.bgfetch.store.FetchStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Removes, when the daemon starts and before any fetch resumes, the files that no registered
 * fetch uses and nothing else will ever remove:
 * <ul>
 * <li>store directories whose key has no row (a crash between forgetting a fetch and deleting its
 *     files, or a database set aside as damaged);</li>
 * <li>copies of uploads in {@code store/incoming} that no fetch refers to (a registration that
 *     failed half-way, or fetches removed since);</li>
 * <li>temporary files, which bgfetch always names {@code .bgfetch-*.tmp}: any in the store, and
 *     those of a {@code --dest} directory whose writer (the daemon whose pid the name carries) is
 *     gone;</li>
 * <li>part files in a {@code --dest} directory ({@link BodyPaths#PART}) of this home (the first half
 *     of their tag says so) whose fetch no longer runs: gone, or ended. Another home's part files
 *     are never touched: their daemon may be writing them.</li>
 * </ul>
 * It touches only names bgfetch makes, never follows a symbolic link, and removes nothing when
 * it cannot read the database: what a registered fetch uses always stays.
 */
final class OrphanSweep {
    private static final Pattern KEY_DIR = Pattern.compile("[0-9]{1,18}");
    private static final Pattern DEST_TEMP = Pattern.compile("\\.bgfetch-([0-9]{1,18})-[0-9]+\\.tmp");

    private final Path storeDir;
    private final Path incoming;
    private final Set<Long> keys;
    private final Set<String> uploads;
    private final Set<Path> dests;
    private final Set<String> liveParts;
    private final String homeTag;
    private final List<Path> removed = new ArrayList<>();

    /**
     * @param keys    the keys of every registered fetch
     * @param uploads the file names of every upload copy a registered fetch refers to
     * @param dests   the --dest directories of the registered fetches
     * @param liveParts {@link #partOf} of every unfinished fetch with --dest: their part files stay
     */
    OrphanSweep(BodyPaths paths, Set<Long> keys, Set<String> uploads, Set<Path> dests, Set<String> liveParts) {
        this.storeDir = paths.storeDir();
        this.incoming = paths.incoming();
        this.keys = keys;
        this.uploads = uploads;
        this.dests = dests;
        this.liveParts = liveParts;
        this.homeTag = paths.homeTag();
    }

    /** How a fetch's part files are known: its key and tag. */
    static String partOf(long key, String tag) {
        return key + "-" + tag;
    }

    /** The sweep for what the store holds; empty when the store cannot be read. */
    static Optional<OrphanSweep> of(FetchStore store, BodyPaths paths) {
        List<FetchRow> rows;
        try {
            rows = store.list(true);
        } catch (RuntimeException e) {
            Log.error("orphans are not removed: the fetches cannot be read", e);
            return Optional.empty();
        }
        Set<Long> keys = new HashSet<>();
        Set<String> uploads = new HashSet<>();
        Set<Path> dests = new HashSet<>();
        Set<String> liveParts = new HashSet<>();
        for (FetchRow f : rows) {
            keys.add(f.key());
            if (f.options() != null && f.options().uploadFile() != null) {
                uploads.add(Path.of(f.options().uploadFile()).getFileName().toString());
            }
            if (f.options() != null && f.options().dest() != null) {
                dests.add(Path.of(f.options().dest()));
                if (!f.isDone()) {
                    liveParts.add(partOf(f.key(), paths.tag(f)));
                }
            }
        }
        return Optional.of(new OrphanSweep(paths, keys, uploads, dests, liveParts));
    }

    /** Removes the orphans; returns what it removed. */
    List<Path> run() {
        if (Files.isDirectory(storeDir, LinkOption.NOFOLLOW_LINKS)) {
            for (Path entry : list(storeDir, "*")) {
                String name = entry.getFileName().toString();
                if (KEY_DIR.matcher(name).matches()) {
                    if (!keys.contains(Long.parseLong(name))) {
                        remove(entry);
                    } else if (isDirectory(entry)) {
                        removeTemps(entry);
                    }
                } else if (entry.equals(incoming) && isDirectory(entry)) {
                    for (Path copy : list(incoming, "*")) {
                        if (!uploads.contains(copy.getFileName().toString())) {
                            remove(copy);
                        }
                    }
                } else if (isTemp(name)) {
                    remove(entry);
                }
            }
        }
        for (Path dest : dests) {
            if (isDirectory(dest)) {
                for (Path temp : list(dest, ".bgfetch-*")) {
                    if (Files.isRegularFile(temp, LinkOption.NOFOLLOW_LINKS) && isStaleInDest(temp.getFileName().toString())) {
                        remove(temp);
                    }
                }
            }
        }
        if (!removed.isEmpty()) {
            Log.info("removed " + removed.size() + " orphan(s) no fetch uses: " + summary());
        }
        return removed;
    }

    /** An older bgfetch's temporary copy whose writer is gone, or a part file of this home no fetch runs. */
    private boolean isStaleInDest(String name) {
        Matcher temp = DEST_TEMP.matcher(name);
        if (temp.matches()) {
            return writerGone(Long.parseLong(temp.group(1)));
        }
        Matcher part = BodyPaths.PART.matcher(name);
        return part.matches() && part.group(3).equals(homeTag)
                && !liveParts.contains(partOf(Long.parseLong(part.group(1)), part.group(3) + part.group(4)));
    }

    private void removeTemps(Path fetchDir) {
        for (Path p : list(fetchDir, ".bgfetch-*.tmp")) {
            remove(p);
        }
    }

    private static boolean isTemp(String name) {
        return name.startsWith(".bgfetch-") && name.endsWith(".tmp");
    }

    /** The daemon that wrote a --dest temporary is gone: it is not alive, or it is this one, just starting. */
    private static boolean writerGone(long pid) {
        if (pid == ProcessHandle.current().pid()) {
            return true;
        }
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    private static boolean isDirectory(Path p) {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    }

    private static List<Path> list(Path dir, String glob) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(out::add);
        } catch (IOException e) {
            Log.info("cannot look for orphans in " + dir + ": " + e.getMessage());
        }
        return out;
    }

    /** Deletes a file, a link (not its target) or a whole directory, never following a link. */
    private void remove(Path p) {
        try {
            if (isDirectory(p)) {
                List<Path> all;
                try (Stream<Path> walk = Files.walk(p)) {
                    all = walk.sorted(Comparator.reverseOrder()).toList();
                }
                for (Path q : all) {
                    Files.deleteIfExists(q);
                }
            } else {
                Files.deleteIfExists(p);
            }
            removed.add(p);
        } catch (IOException | UncheckedIOException e) {
            Log.info("cannot remove the orphan " + p + ": " + e.getMessage());
        }
    }

    private String summary() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < removed.size() && i < 10; i++) {
            sb.append(i == 0 ? "" : ", ").append(removed.get(i).startsWith(storeDir)
                    ? "store/" + storeDir.relativize(removed.get(i)) : removed.get(i));
        }
        return removed.size() > 10 ? sb + ", ..." : sb.toString();
    }
}
