package io.bgfetch.daemon;

import io.bgfetch.store.FetchRow;
import io.bgfetch.store.RecordRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Where a fetch's files live. Without {@code --dest}: {@code store/<key>/<index>.body} and
 * {@code store/<key>/upload.bin}; keys are internal row ids, never the caller's ID, so any ID is
 * safe. With {@code --dest DIR} a body is written once, where it will stay: it arrives in a
 * hidden part file in DIR, {@code .bgfetch-<key>-<index>-<tag>.part} (as browsers'
 * {@code .crdownload}), is renamed to its final name when the fetch succeeds, and from then on
 * the record's body is that placed file. A body keeps its name from the first byte to the last.
 *
 * <p>The tag makes part names unique beyond one fetch and record: its first half is this
 * store's (two homes never share it), its second half this fetch's (its key and the moment it
 * was registered, so a key reused after a database was set aside gets another). It is derived,
 * not stored, so a fetch resumed by a later daemon finds its part files again, and the orphan
 * sweep can tell its own part files (first half) from another home's.
 */
record BodyPaths(Path storeDir, String homeTag) {
    /** {@code .bgfetch-<key>-<index>-<tag>.part}: what {@link #part} makes, for the orphan sweep. */
    static final Pattern PART = Pattern.compile("\\.bgfetch-([0-9]{1,18})-([0-9]{1,9})-([0-9a-f]{8})([0-9a-f]{8})\\.part");

    /** @param storeDir the store's directory; its part of every tag is worked out once, here */
    BodyPaths(Path storeDir) {
        this(storeDir, hex(storeDir.toAbsolutePath().normalize().toString()));
    }

    Path fetchDir(long key) {
        return storeDir.resolve(Long.toString(key));
    }

    Path body(long key, int index) {
        return fetchDir(key).resolve(index + ".body");
    }

    Path upload(long key) {
        return fetchDir(key).resolve("upload.bin");
    }

    /** Uploads are copied here before the fetch has a key, then moved under it. */
    Path incoming() {
        return storeDir.resolve("incoming");
    }

    /** The hidden file in {@code --dest} a body of this fetch arrives in. */
    Path part(FetchRow f, int index) {
        return Path.of(f.options().dest()).resolve(".bgfetch-" + f.key() + "-" + index + "-" + tag(f) + ".part");
    }

    /**
     * The file a record's transfer writes: the part file in {@code --dest}, else the store's body.
     */
    Path download(FetchRow f, int index) {
        return f.options().dest() != null ? part(f, index) : body(f.key(), index);
    }

    /**
     * The file that holds a record's body now: the placed file once {@code --dest} has placed it
     * (while a placement is under way, the part file until it is renamed); the part file while a
     * {@code --dest} fetch runs; else the store's body, which is also where a {@code --dest}
     * fetch that did not succeed keeps its complete bodies, and where an older bgfetch kept a copy
     * of what it placed.
     */
    Path current(FetchRow f, RecordRow r) {
        if (r.isPlaced()) {
            return Path.of(r.destPath());
        }
        if (r.isPlacing()) {
            Path part = part(f, r.idx());
            return Files.exists(part) ? part : Path.of(r.destPath());
        }
        if (f.options().dest() == null || f.isDone() || r.destPath() != null) {
            return body(f.key(), r.idx());
        }
        return part(f, r.idx());
    }

    /** The tag of a fetch's part files; the first half ({@link #homeTag}) is every part tag's of this store. */
    String tag(FetchRow f) {
        return homeTag() + hex(storeDir.toAbsolutePath().normalize() + "\n" + f.key() + "\n" + f.createdAt());
    }

    private static String hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
