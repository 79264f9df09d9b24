package io.bgfetch.daemon;

import io.bgfetch.store.RecordRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Whether a file {@code --dest} placed is still the body bgfetch put there. Once placed it is
 * the user's, who may edit, replace or delete it; bgfetch keeps no copy, so {@code match} serves
 * it only while its size and modification time are those bgfetch recorded.
 */
final class PlacedCheck {
    private PlacedCheck() {
    }

    /** Null while the placed file is as bgfetch left it, else what happened to it, in words. */
    static String change(Path placed, RecordRow r) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(placed, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return "the file --dest placed at " + placed + " has been removed since";
        }
        if (!a.isRegularFile()) {
            return "the file --dest placed at " + placed + " has been replaced since";
        }
        if (a.size() != r.size() || a.lastModifiedTime().toMillis() != r.destMtime()) {
            return "the file --dest placed at " + placed + " has been changed since (its size or modification time differ)";
        }
        return null;
    }
}
