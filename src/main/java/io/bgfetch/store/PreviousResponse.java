package io.bgfetch.store;

/**
 * The stored response a record re-checked by {@code fetch --if-changed} starts from: what the
 * finished fetch of that ID had for the same request. Its body file is moved to the new record,
 * its validators go out as {@code If-None-Match} / {@code If-Modified-Since}, and it becomes the
 * record's response again when the server answers {@code 304}. It is forgotten as soon as a new
 * body starts (a {@code 200}), so a {@code 304} can never claim a body that is no longer there.
 *
 * @param size     the body's length (never negative: the body was complete)
 * @param destPath where {@code --dest} had placed it, or null
 * @param destMtime the placed file's modification time (ms) when bgfetch placed it, when the body
 *                  is that file (written once into {@code --dest}); null for a body in the store
 */
public record PreviousResponse(int status, String statusText, String headersJson, long size, String etag,
                               String lastModified, String destPath, Long destMtime) {

    /** The previous response of a body kept in the store. */
    public PreviousResponse(int status, String statusText, String headersJson, long size, String etag,
                            String lastModified, String destPath) {
        this(status, statusText, headersJson, size, etag, lastModified, destPath, null);
    }

    /** The body is the file {@code --dest} placed (not a copy in the store). */
    public boolean isPlaced() {
        return destPath != null && destMtime != null && destMtime != PlacedFile.PLACING;
    }

    /** Whether a conditional request can be made at all. */
    public boolean hasValidators() {
        return etag != null || lastModified != null;
    }
}
