package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.home.BgfetchHome;
import io.bgfetch.testing.Bgfetch;
import io.bgfetch.testing.Result;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long home puts the socket in a shared place ({@code $XDG_RUNTIME_DIR/bgfetch} here). The
 * client talks to a socket there only when the directory is the user's own, a real directory,
 * closed to others, and the socket is the user's too; otherwise it stops with exit 5 before it
 * even connects, so a listener planted there receives nothing, not even a greeting.
 */
class SocketDirectoryIT {
    @TempDir
    Path tmp;

    Bgfetch bg;
    Path run;
    Path socket;
    ServerSocketChannel planted;

    @BeforeEach
    void setUp() throws Exception {
        run = Files.createDirectory(tmp.resolve("run"));
        Path home = tmp.resolve("a home whose path is too long for a unix socket address, so that its socket "
                + "lives in the runtime directory");
        bg = Bgfetch.create(tmp, home).env("XDG_RUNTIME_DIR", run.toString());
        socket = BgfetchHome.from(Map.of("BGFETCH_HOME", home.toString(), "XDG_RUNTIME_DIR", run.toString())).socket();
        assertEquals(run.resolve("bgfetch"), socket.getParent(), "the test's premise: the socket is outside the home");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (planted != null) {
                planted.close();
            }
        } finally {
            bg.close();
        }
    }

    /** A listener at the exact path the client computes, as someone else would plant it. */
    void plantListener() throws Exception {
        planted = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        planted.bind(UnixDomainSocketAddress.of(socket));
        planted.configureBlocking(false);
    }

    /** The client refused with exit 5, one line naming {@code path}, and never connected to the planted listener. */
    void assertRefusedBeforeConnecting(Result r, Path path, String why) throws Exception {
        assertEquals(5, r.exit(), r::describe);
        assertEquals("", r.out());
        String err = r.stderr().strip();
        assertTrue(err.startsWith("bgfetch: ") && !err.contains("\n"), "one bgfetch: line: " + r.describe());
        assertTrue(err.contains(path.toString()) && err.contains(why), "names " + path + " and says why: " + err);
        assertTrue(!err.contains("Exception") && !err.contains("\tat "), "no stack trace: " + err);
        SocketChannel pending = planted.accept(); // non-blocking: a connection made at any time is still queued
        assertNull(pending, "the planted listener got no connection at all");
        assertEquals(-1, bg.daemonPid(), "no daemon was started either");
    }

    @Test
    void aDirectoryOpenToOthersIsRefusedAndAPlantedListenerHearsNothing() throws Exception {
        Path dir = Files.createDirectory(run.resolve("bgfetch"));
        Files.setAttribute(dir, "unix:mode", 0777);
        plantListener();

        Result r = bg.run("fetch", "-H", "Authorization: Bearer secret-token", "x", "http://127.0.0.1:9/x");
        assertRefusedBeforeConnecting(r, dir, "open to other users (mode 0777)");
        Result list = bg.run("list");
        assertRefusedBeforeConnecting(list, dir, "open to other users");
        assertEquals(0777, ((Integer) Files.getAttribute(dir, "unix:mode")) & 07777, "the client repairs nothing");

        // Made private again (and the planted socket gone), the same home works.
        planted.close();
        planted = null;
        Files.delete(socket);
        Files.setAttribute(dir, "unix:mode", 0700);
        Result ok = bg.run("list");
        assertEquals(0, ok.exit(), ok::describe);
    }

    @Test
    void aDirectoryOfAnotherUidIsRefused() throws Exception {
        OtherUid.assumeRootWithSetpriv();
        Path dir = OtherUid.directoryOf(run.resolve("bgfetch"), OtherUid.NAMELESS);
        plantListener();

        Result r = bg.run("fetch", "-H", "Authorization: Bearer secret-token", "x", "http://127.0.0.1:9/x");
        assertRefusedBeforeConnecting(r, dir, "belongs to uid " + OtherUid.NAMELESS);
        Result start = bg.run("daemon", "start");
        assertRefusedBeforeConnecting(start, dir, "belongs to uid " + OtherUid.NAMELESS);
    }

    @Test
    void aSocketOfAnotherUidInOurOwnDirectoryIsRefused() throws Exception {
        OtherUid.assumeRootWithSetpriv();
        Path dir = Files.createDirectory(run.resolve("bgfetch"));
        Files.setAttribute(dir, "unix:mode", 0700);
        plantListener();
        Files.setAttribute(socket, "unix:uid", OtherUid.NAMELESS);

        Result r = bg.run("status", "x");
        assertRefusedBeforeConnecting(r, socket, "belongs to uid " + OtherUid.NAMELESS);
    }

    @Test
    void aSymbolicLinkInPlaceOfTheDirectoryIsRefused() throws Exception {
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.setAttribute(elsewhere, "unix:mode", 0700);
        Path link = Files.createSymbolicLink(run.resolve("bgfetch"), elsewhere);
        plantListener();

        Result r = bg.run("list");
        assertRefusedBeforeConnecting(r, link, "is a symbolic link");
    }
}
