package io.bgfetch.daemon;

import java.nio.file.Path;

/**
 * Where a fetch's files live in the store: {@code store/<key>/<index>.body} and
 * {@code store/<key>/upload.bin}. Keys are internal row ids, never the caller's ID, so any ID
 * is safe; a body keeps its name from the first byte to the last.
 */
record BodyPaths(Path storeDir) {

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
}
