package io.bgfetch.home;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The root of one installation ({@code BGFETCH_HOME}) and the fixed names inside it.
 * Two different homes are fully independent: each has its own database, store, lock and daemon.
 *
 * <p>The socket normally lives at {@code HOME/daemon.sock}. A Unix socket address holds at most
 * 107 bytes, so for a long home the socket moves to a short per-user directory
 * ({@code $XDG_RUNTIME_DIR/bgfetch} or {@code /tmp/bgfetch-<uid>}) under a name derived from
 * the home's path; client and daemon compute the same name, so nothing needs to be looked up.
 * That directory is named by the numeric uid, never the user name: a uid without a passwd
 * entry (containers) has no name, and Java calls it "?".
 */
public final class BgfetchHome {
    /** Longest socket path we bind directly; sun_path is 108 bytes including the NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 100;

    private final Path root;
    private final Map<String, String> env;

    private BgfetchHome(Path root, Map<String, String> env) {
        this.root = root;
        this.env = env;
    }

    /**
     * The home named by {@code BGFETCH_HOME}, else {@code $XDG_DATA_HOME/bgfetch}, else
     * {@code $HOME/.local/share/bgfetch} ({@code HOME} first, as a shell's {@code ~}: a uid
     * without a passwd entry has a {@code HOME} but no home Java can find).
     */
    public static BgfetchHome fromEnvironment() {
        return from(System.getenv());
    }

    public static BgfetchHome from(Map<String, String> env) {
        String explicit = env.get("BGFETCH_HOME");
        Path root;
        if (explicit != null && !explicit.isEmpty()) {
            root = Path.of(explicit);
        } else {
            String xdg = env.get("XDG_DATA_HOME");
            String userHome = env.get("HOME");
            if (userHome == null || userHome.isEmpty()) {
                userHome = System.getProperty("user.home");
            }
            root = (xdg != null && !xdg.isEmpty())
                    ? Path.of(xdg, "bgfetch")
                    : Path.of(userHome, ".local", "share", "bgfetch");
        }
        return new BgfetchHome(root.toAbsolutePath().normalize(), env);
    }

    public Path root() {
        return root;
    }

    public Path database() {
        return root.resolve("bgfetch.db");
    }

    /** Stored bodies: {@code store/<fetch key>/<record index>.body}. */
    public Path storeDir() {
        return root.resolve("store");
    }

    /** Held exclusively by the running daemon for its whole life. */
    public Path daemonLock() {
        return root.resolve("daemon.lock");
    }

    /** Held by a client while it starts a daemon, so racing clients spawn one, not twenty. */
    public Path spawnLock() {
        return root.resolve("spawn.lock");
    }

    public Path pidFile() {
        return root.resolve("daemon.pid");
    }

    public Path logFile() {
        return root.resolve("daemon.log");
    }

    /** Where the socket is for this home (see the class comment). */
    public Path socket() {
        Path inHome = root.resolve("daemon.sock");
        if (inHome.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH_BYTES) {
            return inHome;
        }
        return shortSocketDir().resolve(digest(root.toString()) + ".sock");
    }

    /** True when the socket had to move out of the home because the home's path is long. */
    public boolean socketOutsideHome() {
        return !socket().startsWith(root);
    }

    private Path shortSocketDir() {
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty() && runtime.length() < 60) {
            return Path.of(runtime, "bgfetch");
        }
        return Path.of("/tmp", "bgfetch-" + Ownership.currentUid());
    }

    /**
     * Creates the home (0700) and, for a long home, the short socket directory. That directory
     * sits in a shared place like /tmp, so it must be ours and a real directory, else someone
     * could plant a socket for our clients to talk to: one that is not is refused, never
     * repaired. One that is ours is made private (0700).
     */
    public void create() throws IOException {
        PrivateFiles.createMissing(root);
        // An existing home is made private too, unless it is a shared sticky directory such as
        // /tmp (someone pointed BGFETCH_HOME at it): that must never be chmod-ed.
        if (((Integer) Files.getAttribute(root, "unix:mode") & 01000) == 0) {
            Files.setPosixFilePermissions(root, PrivateFiles.DIR);
        }
        if (socketOutsideHome()) {
            createSocketDirectory(socket().getParent());
        }
    }

    private static void createSocketDirectory(Path dir) throws IOException {
        Path parent = dir.getParent();
        if (parent != null) {
            PrivateFiles.createMissing(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PrivateFiles.DIR));
        } catch (FileAlreadyExistsException exists) {
            // someone made it before us: it is checked below like any existing one
        }
        // Checked before any chmod: a directory of someone else's is never touched.
        Ownership.requireOwnDirectory(dir, "the socket directory");
        Files.setPosixFilePermissions(dir, PrivateFiles.DIR);
    }

    private static String digest(String text) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha, 0, 12);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
