package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Bgfetch;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import io.bgfetch.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk, not a configured quota: the home lives on a 6 MiB tmpfs (needs root; skipped
 * otherwise). Two bodies that each fit the free space but not together pass the up-front size
 * check and then hit ENOSPC while writing.
 */
class DiskFullIT {
    @TempDir
    Path tmp;

    Path mount;
    boolean mounted;
    TestServer server;
    Bgfetch bg;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        mount = tmp.resolve("small-disk");
        Files.createDirectories(mount);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        mounted = p.waitFor() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root)");
        server = TestServer.start();
    }

    @AfterEach
    void unmount() throws Exception {
        if (bg != null) {
            bg.close();
        }
        if (server != null) {
            server.close();
        }
        if (mounted) {
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
        }
    }

    @Test
    void fullDiskFailsWithQuotaExceededKeepsCompleteRecordsAndTheDaemonServes() {
        bg = Bgfetch.create(tmp, mount.resolve("home"));
        var small = server.add("/small.bin", 200_000);
        server.add("/a.bin", 3_500_000).throttle(4_000_000);
        server.add("/b.bin", 3_500_000).throttle(4_000_000);
        var after = server.add("/after.bin", 100_000);

        Result ok = bg.run("fetch", "first", server.url("/small.bin"), "--wait");
        assertEquals(0, ok.exit(), ok.describe());

        Result full = bg.run("fetch", "too-big", "-j", "2", server.url("/a.bin"), server.url("/b.bin"), "--wait");
        assertEquals(1, full.exit(), full.describe());
        Map<String, Object> status = bg.status("too-big");
        assertEquals("failure", status.get("result"));
        assertEquals("quota-exceeded", status.get("failureReason"), status.toString());

        // What was complete stays exact; the daemon goes on serving new fetches.
        Result body = bg.run("match", "first", server.url("/small.bin"));
        assertEquals(0, body.exit(), body.describe());
        assertEquals(small.sha256(), Sha256.hex(body.stdoutBytes()));
        Result next = bg.run("fetch", "after", server.url("/after.bin"), "--wait");
        assertEquals(0, next.exit(), next.describe());
        assertEquals(after.sha256(), Sha256.hex(bg.run("match", "after", server.url("/after.bin")).stdoutBytes()));

        // The partial bodies were removed, and the database still answers for every fetch.
        List<Object> all = bg.run("list", "--all", "--json").jsonArray();
        assertEquals(3, all.size(), all.toString());
        assertTrue(bg.run("match", "too-big", server.url("/a.bin")).exit() == 3);
        bg.awaitDone("after", Duration.ofSeconds(5));
    }
}
