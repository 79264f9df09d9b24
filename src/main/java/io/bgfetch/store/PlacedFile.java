package io.bgfetch.store;

/**
 * Where {@code --dest} puts one record's body, as {@link FetchStore#setPlacements} stores it.
 *
 * @param idx   the record
 * @param path  the final file in {@code --dest}
 * @param mtime the file's modification time (ms) once it is there, which {@code match} compares
 *              to tell whether the user changed it since; {@link #PLACING} before the rename
 */
public record PlacedFile(int idx, String path, long mtime) {
    /** The name is chosen and the rename may have happened: look for the part file, then the final one. */
    public static final long PLACING = Long.MIN_VALUE;
}
