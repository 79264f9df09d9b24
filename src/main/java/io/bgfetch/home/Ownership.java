package io.bgfetch.home;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.StringTokenizer;

/**
 * Who owns what, by numeric uid. Names are useless here: under a uid with no passwd entry
 * ({@code docker run --user 1000}, Kubernetes {@code runAsUser}) Java calls the user "?", while
 * the kernel and the file system speak only in numbers.
 *
 * <p>The two checks guard the socket when it lives outside the home, in a shared place such
 * as {@code /tmp}: a directory there is trusted only when it is ours, a real directory and
 * closed to everyone else, and a socket only when we own it; otherwise anyone could plant a
 * socket for our clients to send their requests (headers included) to.
 */
public final class Ownership {
    private static final int GROUP_OR_OTHER = 0077;

    private Ownership() {
    }

    /** The effective uid of this process (the one the kernel checks files and SO_PEERCRED against). */
    public static int currentUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    // real, effective, saved and file-system uid; no regular expression: every
                    // client command asks, and a new JVM runs the regex engine interpreted
                    StringTokenizer ids = new StringTokenizer(line.substring("Uid:".length()));
                    ids.nextToken();
                    return Integer.parseInt(ids.nextToken());
                }
            }
        } catch (IOException | RuntimeException fallBack) {
            // no /proc/self/status: use the owner of /proc/self below
        }
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot tell this process's uid: " + e.getMessage(), e);
        }
    }

    /** The uid that owns {@code path} itself (a symbolic link is not followed). */
    public static int ownerUid(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Throws unless {@code dir} is a real directory (not a symbolic link) owned by this process's
     * uid and closed to group and others. {@link NoSuchFileException} when it does not exist.
     *
     * @param what how the message names the directory ("the socket directory")
     */
    public static void requirePrivateDirectory(Path dir, String what) throws IOException {
        requireOwnDirectory(dir, what);
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & GROUP_OR_OTHER) != 0) {
            throw new UnsafePathException(what + " " + dir + " is open to other users (mode "
                    + String.format("%04o", mode & 07777) + "); make it private with 'chmod 700 " + dir
                    + "' or remove it");
        }
    }

    /** Like {@link #requirePrivateDirectory} but without the mode check (its owner may tighten the mode). */
    public static void requireOwnDirectory(Path dir, String what) throws IOException {
        BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            throw new UnsafePathException(what + " " + dir + " is a symbolic link; remove it");
        }
        if (!a.isDirectory()) {
            throw new UnsafePathException(what + " " + dir + " is not a directory; remove it");
        }
        requireOwner(dir, what);
    }

    /**
     * Throws unless {@code file} itself is owned by this process's uid.
     * {@link NoSuchFileException} when it does not exist.
     */
    public static void requireOwner(Path file, String what) throws IOException {
        int owner = ownerUid(file);
        int self = currentUid();
        if (owner != self) {
            throw new UnsafePathException(what + " " + file + " belongs to uid " + owner
                    + ", not to you (uid " + self + ")");
        }
    }

    /** A path in a shared place that is not safe to use; the message names it and says why. */
    public static final class UnsafePathException extends IOException {
        public UnsafePathException(String message) {
            super(message);
        }
    }
}
