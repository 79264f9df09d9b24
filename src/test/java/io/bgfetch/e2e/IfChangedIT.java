package io.bgfetch.e2e;

import static io.bgfetch.e2e.FetchBasicsIT.num;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.RequestLog;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * fetch --if-changed, as a cron job runs it: the same command line again and again. An
 * unchanged resource is asked with its validators and answered 304 (nothing downloaded, the
 * --dest file not touched); a changed one is downloaded again.
 */
class IfChangedIT extends EndToEndTest {
    private static final FileTime LONG_AGO = FileTime.fromMillis(1_500_000_000_000L);

    @SuppressWarnings("unchecked")
    private Map<String, Object> record(String id, String url) {
        Result m = bg.run("match", id, "--json");
        assertEquals(0, m.exit(), m::describe);
        for (Object o : m.jsonArray()) {
            Map<String, Object> r = (Map<String, Object>) o;
            if (url.equals(r.get("url"))) {
                return r;
            }
        }
        throw new AssertionError("no record for " + url + ": " + m.out());
    }

    private Result cron(Path dest, String id, String... urls) {
        String[] args = new String[5 + urls.length];
        args[0] = "fetch";
        args[1] = "--wait";
        args[2] = "--if-changed";
        args[3] = "--dest=" + dest;
        args[4] = id;
        System.arraycopy(urls, 0, args, 5, urls.length);
        return bg.run(args);
    }

    @Test
    void anUnchangedResourceIsAnswered304AndItsFileIsLeftAlone() throws Exception {
        Resource feed = server.add("/feed.xml", 50_000);
        String url = server.url("/feed.xml");
        Path dest = Files.createDirectories(tmp.resolve("dest"));

        Result first = cron(dest, "feed", url);
        assertEquals(0, first.exit(), first::describe);
        List<RequestLog> log = server.requests("/feed.xml");
        assertEquals(1, log.size());
        assertNull(log.get(0).header("If-None-Match"), "nothing to re-check yet: a plain fetch");
        assertNull(log.get(0).header("If-Modified-Since"));
        Path file = dest.resolve("feed.xml");
        assertArrayEquals(feed.body(), Files.readAllBytes(file));
        // Any rewrite would show in the time (ns). The time is not set back here: a placed file the
        // user changed (its size or time) is the user's, and is fetched again rather than re-checked.
        FileTime placedAt = Files.getLastModifiedTime(file);
        Object inode = Files.getAttribute(file, "unix:ino");

        Result again = cron(dest, "feed", url);
        assertEquals(0, again.exit(), again::describe);

        log = server.requests("/feed.xml");
        assertEquals(2, log.size(), log::toString);
        RequestLog recheck = log.get(1);
        assertEquals(feed.currentEtag(), recheck.header("If-None-Match"));
        assertEquals(feed.currentLastModified(), recheck.header("If-Modified-Since"));
        assertEquals(304, recheck.status());
        assertEquals(inode, Files.getAttribute(file, "unix:ino"), "the --dest file is the same file");
        assertEquals(placedAt, Files.getLastModifiedTime(file), "and was not rewritten");
        assertArrayEquals(feed.body(), Files.readAllBytes(file));

        Map<String, Object> rec = record("feed", url);
        assertEquals(Boolean.TRUE, rec.get("notModified"));
        assertEquals("done", rec.get("state"));
        assertEquals(200L, num(rec, "status"), "the stored response is the 200 from before");
        assertEquals((long) feed.size(), num(rec, "size"));
        assertEquals(file.toString(), rec.get("destPath"));
        Result body = bg.run("match", "feed", url);
        assertEquals(0, body.exit(), body::describe);
        assertArrayEquals(feed.body(), body.stdoutBytes(), "match gives the same bytes");

        Map<String, Object> st = bg.status("feed");
        assertEquals("success", st.get("result"));
        assertEquals((long) feed.size(), num(st, "downloaded"), "the fetch's bytes are its stored bodies");

        Result third = cron(dest, "feed", url);
        assertEquals(0, third.exit(), third::describe);
        assertEquals(304, server.requests("/feed.xml").get(2).status(), "and again on the next run");
        assertArrayEquals(feed.body(), bg.run("match", "feed", url).stdoutBytes());
        assertEquals(inode, Files.getAttribute(file, "unix:ino"));
    }

    @Test
    void aPlacedFileTheUserChangedIsFetchedAgainNotRechecked() throws Exception {
        Resource feed = server.add("/notes.txt", 10_000);
        String url = server.url("/notes.txt");
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        assertEquals(0, cron(dest, "notes", url).exit());
        Path file = dest.resolve("notes.txt");
        Files.writeString(file, "edited by the user");
        Files.setLastModifiedTime(file, LONG_AGO);

        Result again = cron(dest, "notes", url);
        assertEquals(0, again.exit(), again::describe);

        RequestLog second = server.requests("/notes.txt").get(1);
        assertNull(second.header("If-None-Match"), "the stored response no longer describes the file: a plain request");
        assertEquals(200, second.status());
        assertArrayEquals(feed.body(), Files.readAllBytes(file));
        assertEquals(Boolean.FALSE, record("notes", url).get("notModified"));
    }

    @Test
    void aChangedResourceIsDownloadedAgainAndAnUnchangedOneIsKept() throws Exception {
        Resource changing = server.add("/data.csv", 30_000);
        Resource steady = server.add("/logo.png", 20_000);
        String changingUrl = server.url("/data.csv");
        String steadyUrl = server.url("/logo.png");
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        Result first = cron(dest, "two", changingUrl, steadyUrl);
        assertEquals(0, first.exit(), first::describe);
        FileTime logoPlacedAt = Files.getLastModifiedTime(dest.resolve("logo.png"));

        byte[] next = "id,value\n1,42\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        changing.replaceBody(next);
        Result again = cron(dest, "two", changingUrl, steadyUrl);
        assertEquals(0, again.exit(), again::describe);

        RequestLog changedAsk = server.requests("/data.csv").get(1);
        assertTrue(changedAsk.header("If-None-Match") != null, "asked conditionally: " + changedAsk);
        assertEquals(200, changedAsk.status());
        assertEquals(304, server.requests("/logo.png").get(1).status());

        assertArrayEquals(next, Files.readAllBytes(dest.resolve("data.csv")), "the new bytes are in place");
        assertArrayEquals(next, bg.run("match", "two", changingUrl).stdoutBytes());
        assertEquals(Boolean.FALSE, record("two", changingUrl).get("notModified"));
        assertEquals((long) next.length, num(record("two", changingUrl), "size"));
        assertArrayEquals(steady.body(), bg.run("match", "two", steadyUrl).stdoutBytes());
        assertEquals(Boolean.TRUE, record("two", steadyUrl).get("notModified"));
        assertEquals(logoPlacedAt, Files.getLastModifiedTime(dest.resolve("logo.png")), "kept, not rewritten");
        assertEquals((long) next.length + steady.size(), num(bg.status("two"), "downloaded"));
    }

    @Test
    void aRequestTheFinishedFetchDidNotHaveIsAPlainRequest() throws Exception {
        server.add("/a.bin", 1_000);
        Resource b = server.add("/b.bin", 2_000);
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        assertEquals(0, cron(dest, "grow", server.url("/a.bin")).exit());

        Result again = cron(dest, "grow", server.url("/a.bin"), server.url("/b.bin"));
        assertEquals(0, again.exit(), again::describe);

        assertEquals(304, server.requests("/a.bin").get(1).status());
        RequestLog plain = server.requests("/b.bin").get(0);
        assertNull(plain.header("If-None-Match"), plain::toString);
        assertEquals(200, plain.status());
        assertArrayEquals(b.body(), Files.readAllBytes(dest.resolve("b.bin")));
    }

    @Test
    void withoutIfChangedAFinishedIdIsStillAConflictAndAnActiveOneAlways() throws Exception {
        server.add("/slow.bin", 2_000_000).throttle(100_000);
        server.add("/x.bin", 100);
        assertEquals(0, bg.run("fetch", "--wait", "done-id", server.url("/x.bin")).exit());
        Result plain = bg.run("fetch", "done-id", server.url("/x.bin"));
        assertEquals(4, plain.exit(), plain::describe);

        assertEquals(0, bg.run("fetch", "busy", server.url("/slow.bin")).exit());
        Result busy = bg.run("fetch", "--if-changed", "busy", server.url("/slow.bin"));
        assertEquals(4, busy.exit(), busy::describe);
        assertTrue(busy.stderr().contains("active"), busy::describe);
        assertEquals(0, bg.run("abort", "busy").exit());
    }

    @Test
    void aFailedRecheckFailsTheFetchButLeavesTheOldFileInDest() throws Exception {
        Resource r = server.add("/gone.bin", 5_000);
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        assertEquals(0, cron(dest, "gone", server.url("/gone.bin")).exit());

        r.status(404);
        Result again = cron(dest, "gone", server.url("/gone.bin"));
        assertEquals(1, again.exit(), again::describe);
        assertEquals("bad-status", bg.status("gone").get("failureReason"));
        assertArrayEquals(r.body(), Files.readAllBytes(dest.resolve("gone.bin")),
                "--dest is only written on success: the last good file stays");
        assertFalse(Files.exists(dest.resolve("gone-1.bin")));
    }
}
