package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Bgfetch;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import io.bgfetch.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bgfetch under a uid with no passwd entry, as in {@code docker run --user 4242} or Kubernetes'
 * {@code runAsUser}: Java calls that user "?", and nothing may depend on the name.
 */
class AnyUidIT {
    private static final int UID = OtherUid.NAMELESS;

    @TempDir
    Path tmp;

    TestServer server;
    final List<Bgfetch> installations = new ArrayList<>();
    Path createdTmpDir;

    @BeforeEach
    void setUp() throws Exception {
        OtherUid.assumeRootWithSetpriv();
        OtherUid.assumeNameless(UID);
        server = TestServer.start();
        // The test's temporary directory is root's; the other uid may pass through it, no more.
        Files.setAttribute(tmp, "unix:mode", 0711);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            for (Bgfetch b : installations) {
                b.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
            if (createdTmpDir != null) {
                deleteTree(createdTmpDir);
            }
        }
    }

    /** An installation whose home the nameless uid owns, with the environment a container gives it. */
    Bgfetch install(Path home) throws Exception {
        OtherUid.directoryOf(home.getParent(), UID);
        Bgfetch bg = Bgfetch.create(tmp.resolve("io-" + installations.size()), home)
                .env("HOME", "/").env("XDG_RUNTIME_DIR", "");
        installations.add(bg);
        return bg;
    }

    Result as(Bgfetch bg, String... args) {
        return bg.runCommand(OtherUid.command(bg, UID, args), new byte[0]);
    }

    @Test
    void aNamelessUidFetchesAndOwnsEverythingItsDaemonMade() throws Exception {
        Bgfetch bg = install(tmp.resolve("volume").resolve("home"));
        Resource r = server.add("/any-uid.bin", 300_000);

        Result f = as(bg, "fetch", "--wait", "any-uid", server.url("/any-uid.bin"));
        assertEquals(0, f.exit(), f::describe);
        Result m = as(bg, "match", "any-uid", server.url("/any-uid.bin"));
        assertEquals(0, m.exit(), m::describe);
        assertEquals(r.sha256(), Sha256.hex(m.stdoutBytes()));

        long pid = bg.daemonPid();
        assertTrue(pid > 0, "a daemon runs");
        assertEquals(UID, effectiveUid(pid), "the daemon runs as the nameless uid");
        List<String> foreign = new ArrayList<>();
        int count = 0;
        try (Stream<Path> all = Files.walk(bg.home())) {
            for (Path p : (Iterable<Path>) all::iterator) {
                count++;
                int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                if (owner != UID) {
                    foreign.add(owner + " " + bg.home().relativize(p));
                }
            }
        }
        assertTrue(count >= 6, "home, database, store, log, pid, socket at least: " + count);
        assertEquals(List.of(), foreign, "everything in the home belongs to uid " + UID);

        Result status = as(bg, "daemon", "status", "--json");
        assertEquals(0, status.exit(), status::describe);
        assertEquals(pid, ((Number) status.json().get("pid")).longValue());
    }

    @Test
    void aNamelessUidWithALongHomeGetsATmpSocketDirectoryNamedByItsUid() throws Exception {
        Path home = tmp.resolve("volume").resolve("a home whose path is far too long for a unix socket address "
                + "so that the socket has to move to a short directory of its own");
        Path dir = Path.of("/tmp", "bgfetch-" + UID);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            createdTmpDir = dir;
        }
        Bgfetch bg = install(home);
        Resource r = server.add("/long.bin", 50_000);

        Result f = as(bg, "fetch", "--wait", "long", server.url("/long.bin"));
        assertEquals(0, f.exit(), f::describe);
        Result ds = as(bg, "daemon", "status", "--json");
        assertEquals(0, ds.exit(), ds::describe);
        Path socket = Path.of((String) ds.json().get("socket"));
        assertEquals(dir, socket.getParent(), "the socket directory is named by the uid, not by '?'");
        assertEquals(UID, (int) (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(0700, ((Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777);
        assertEquals(UID, (int) (Integer) Files.getAttribute(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        Result m = as(bg, "match", "long", server.url("/long.bin"));
        assertEquals(r.sha256(), Sha256.hex(m.stdoutBytes()));
    }

    static int effectiveUid(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.substring(4).strip().split("\\s+")[1]);
            }
        }
        return -1;
    }

    static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
