package io.bgfetch.home;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BgfetchHomeTest {
    /** sun_path is 108 bytes including the terminating NUL. */
    private static final int SUN_PATH_MAX = 107;

    @TempDir
    Path tmp;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static int bytes(Path p) {
        return p.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    /** A directory under tmp whose path is exactly {@code length} bytes long. */
    private Path pathOfLength(int length) {
        String base = tmp.resolve("h").toString();
        assertTrue(base.length() < length, "the temp dir is too long for this test");
        return Path.of(base + "x".repeat(length - base.length()));
    }

    @Test
    void bgfetchHomeWins() {
        BgfetchHome h = BgfetchHome.from(Map.of("BGFETCH_HOME", "/srv/bg fetch", "XDG_DATA_HOME", "/data"));
        assertEquals(Path.of("/srv/bg fetch"), h.root());
        assertEquals(Path.of("/srv/bg fetch/bgfetch.db"), h.database());
        assertEquals(Path.of("/srv/bg fetch/store"), h.storeDir());
    }

    @Test
    void defaultsToXdgDataHome() {
        assertEquals(Path.of("/data/bgfetch"), BgfetchHome.from(Map.of("XDG_DATA_HOME", "/data")).root());
        assertEquals(Path.of("/data/bgfetch"),
                BgfetchHome.from(Map.of("BGFETCH_HOME", "", "XDG_DATA_HOME", "/data")).root(), "empty means unset");
    }

    @Test
    void elseToLocalShare() {
        Path expected = Path.of(System.getProperty("user.home"), ".local", "share", "bgfetch").toAbsolutePath().normalize();
        assertEquals(expected, BgfetchHome.from(Map.of()).root());
        assertEquals(expected, BgfetchHome.from(Map.of("XDG_DATA_HOME", "")).root());
    }

    @Test
    void homeFromTheEnvironmentComesBeforeJavasIdeaOfIt() {
        // A uid with no passwd entry has HOME (docker sets HOME=/) but Java's user.home is "?".
        assertEquals(Path.of("/home/u/.local/share/bgfetch"), BgfetchHome.from(Map.of("HOME", "/home/u")).root());
        assertEquals(Path.of("/data/bgfetch"),
                BgfetchHome.from(Map.of("HOME", "/home/u", "XDG_DATA_HOME", "/data")).root());
    }

    @Test
    void aRelativeHomeIsMadeAbsoluteAndNormal() {
        BgfetchHome h = BgfetchHome.from(Map.of("BGFETCH_HOME", "some/../rel"));
        assertEquals(Path.of("rel").toAbsolutePath(), h.root());
        assertTrue(h.root().isAbsolute());
    }

    @Test
    void fixedNamesInsideTheHome() {
        BgfetchHome h = BgfetchHome.from(Map.of("BGFETCH_HOME", "/h"));
        for (Path p : new Path[] {h.database(), h.storeDir(), h.daemonLock(), h.spawnLock(), h.pidFile(), h.logFile()}) {
            assertEquals(Path.of("/h"), p.getParent(), p.toString());
        }
    }

    @Test
    void aShortHomeKeepsTheSocketInside() {
        BgfetchHome h = BgfetchHome.from(Map.of("BGFETCH_HOME", tmp.resolve("with space").toString()));
        assertEquals(tmp.resolve("with space").resolve("daemon.sock"), h.socket());
        assertFalse(h.socketOutsideHome());
    }

    @Test
    void theSocketMovesOnlyBeyond100Bytes() {
        Path atLimit = pathOfLength(100 - "/daemon.sock".length());
        Path overLimit = pathOfLength(101 - "/daemon.sock".length());
        Map<String, String> run = Map.of("XDG_RUNTIME_DIR", tmp.resolve("run").toString());

        BgfetchHome at = BgfetchHome.from(Map.of("BGFETCH_HOME", atLimit.toString()));
        assertEquals(100, bytes(at.socket()));
        assertEquals(atLimit.resolve("daemon.sock"), at.socket());

        BgfetchHome over = BgfetchHome.from(Map.of("BGFETCH_HOME", overLimit.toString(),
                "XDG_RUNTIME_DIR", run.get("XDG_RUNTIME_DIR")));
        assertTrue(over.socketOutsideHome());
    }

    @Test
    void theLimitCountsBytesNotCharacters() {
        // 60 'é' are 60 characters but 120 bytes
        Path home = tmp.resolve("é".repeat(60));
        BgfetchHome h = BgfetchHome.from(Map.of("BGFETCH_HOME", home.toString(),
                "XDG_RUNTIME_DIR", tmp.resolve("run").toString()));
        assertTrue(h.socketOutsideHome());
        assertTrue(bytes(h.socket()) <= SUN_PATH_MAX);
    }

    @Test
    void aLongHomePutsTheSocketInTheShortDirectoryUnderAStableName() {
        Path run = tmp.resolve("run");
        Path longHome = tmp.resolve("a very long home with spaces ".repeat(6).strip());
        Map<String, String> env = Map.of("BGFETCH_HOME", longHome.toString(), "XDG_RUNTIME_DIR", run.toString());

        Path socket = BgfetchHome.from(env).socket();

        assertEquals(run.resolve("bgfetch"), socket.getParent());
        assertTrue(socket.getFileName().toString().matches("[0-9a-f]{24}\\.sock"), socket.toString());
        assertTrue(bytes(socket) <= SUN_PATH_MAX, "fits sun_path: " + socket);
        assertEquals(socket, BgfetchHome.from(env).socket(), "client and daemon compute the same name");
        assertEquals(socket, BgfetchHome.from(Map.of("BGFETCH_HOME", longHome + "/./", "XDG_RUNTIME_DIR",
                run.toString())).socket(), "the same home spelled differently");

        Path otherHome = Path.of(longHome + "2");
        Path other = BgfetchHome.from(Map.of("BGFETCH_HOME", otherHome.toString(), "XDG_RUNTIME_DIR", run.toString()))
                .socket();
        assertNotEquals(socket, other, "two homes, two daemons");
        assertEquals(socket.getParent(), other.getParent());
    }

    @Test
    void withoutAUsableRuntimeDirTheSocketGoesToAPerUidTmpDirectory() {
        Path longHome = tmp.resolve("l".repeat(120));
        Path expectedDir = Path.of("/tmp", "bgfetch-" + Ownership.currentUid());

        Path noRuntime = BgfetchHome.from(Map.of("BGFETCH_HOME", longHome.toString())).socket();
        Path longRuntime = BgfetchHome.from(Map.of("BGFETCH_HOME", longHome.toString(),
                "XDG_RUNTIME_DIR", "/run/" + "r".repeat(70))).socket();

        assertEquals(expectedDir, noRuntime.getParent());
        assertEquals(noRuntime, longRuntime, "a runtime dir too long to help is not used");
        assertTrue(bytes(noRuntime) <= SUN_PATH_MAX);
    }

    @Test
    void createMakesPrivateDirectories() throws IOException {
        Path home = tmp.resolve("a").resolve("b").resolve("home");
        BgfetchHome h = BgfetchHome.from(Map.of("BGFETCH_HOME", home.toString()));

        h.create();

        assertEquals("rwx------", mode(home));
        assertEquals("rwx------", mode(tmp.resolve("a")), "missing parents are created private too");
        assertEquals("rwx------", mode(tmp.resolve("a").resolve("b")));
        h.create(); // again: no harm
        assertEquals("rwx------", mode(home));
    }

    @Test
    void createTightensAnExistingHome() throws IOException {
        Path home = Files.createDirectory(tmp.resolve("existing"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));

        BgfetchHome.from(Map.of("BGFETCH_HOME", home.toString())).create();

        assertEquals("rwx------", mode(home));
    }

    @Test
    void createForALongHomeMakesThePrivateSocketDirectory() throws IOException {
        Path run = Files.createDirectory(tmp.resolve("run"));
        Path longHome = tmp.resolve("deep".repeat(30));
        BgfetchHome h = BgfetchHome.from(Map.of("BGFETCH_HOME", longHome.toString(), "XDG_RUNTIME_DIR", run.toString()));

        h.create();

        assertEquals("rwx------", mode(longHome));
        assertEquals("rwx------", mode(run.resolve("bgfetch")));
        assertTrue(Files.isDirectory(h.socket().getParent()));
    }

    @Test
    void createTightensAnExistingSocketDirectory() throws IOException {
        Path run = Files.createDirectory(tmp.resolve("run"));
        Path dir = Files.createDirectory(run.resolve("bgfetch"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path longHome = tmp.resolve("deep".repeat(30));

        BgfetchHome.from(Map.of("BGFETCH_HOME", longHome.toString(), "XDG_RUNTIME_DIR", run.toString())).create();

        assertEquals("rwx------", mode(dir));
    }

    @Test
    void createRefusesASocketDirectoryThatIsASymbolicLinkAndLeavesItsTargetAlone() throws IOException {
        Path run = Files.createDirectory(tmp.resolve("run"));
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(run.resolve("bgfetch"), elsewhere);
        BgfetchHome h = BgfetchHome.from(Map.of("BGFETCH_HOME", tmp.resolve("deep".repeat(30)).toString(),
                "XDG_RUNTIME_DIR", run.toString()));

        IOException e = assertThrows(IOException.class, h::create);

        assertTrue(e.getMessage().contains(run.resolve("bgfetch") + " is a symbolic link"), e.getMessage());
        assertEquals("rwxr-xr-x", mode(elsewhere), "the link's target was not touched");
    }

    @Test
    void createRefusesASocketDirectoryOfAnotherUidAndNeverChmodsIt() throws IOException {
        Assumptions.assumeTrue(Ownership.currentUid() == 0, "only root can give a directory away");
        Path run = Files.createDirectory(tmp.resolve("run"));
        Path dir = Files.createDirectory(run.resolve("bgfetch"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(dir, "unix:uid", 4242);
        BgfetchHome h = BgfetchHome.from(Map.of("BGFETCH_HOME", tmp.resolve("deep".repeat(30)).toString(),
                "XDG_RUNTIME_DIR", run.toString()));

        IOException e = assertThrows(IOException.class, h::create);

        assertTrue(e.getMessage().contains(dir + " belongs to uid 4242"), e.getMessage());
        assertEquals("rwxrwxrwx", mode(dir), "someone else's directory is never chmod-ed");
    }

    @Test
    void anExistingHomeIsMadePrivateButASharedStickyDirectoryIsNeverTouched() throws IOException {
        Path plain = Files.createDirectory(tmp.resolve("plain"));
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rwxr-xr-x"));
        BgfetchHome.from(Map.of("BGFETCH_HOME", plain.toString())).create();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)));

        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777); // like /tmp
        BgfetchHome.from(Map.of("BGFETCH_HOME", shared.toString())).create();
        assertEquals(01777, ((Integer) Files.getAttribute(shared, "unix:mode")) & 07777,
                "BGFETCH_HOME=/tmp must not make /tmp private");
    }
}
