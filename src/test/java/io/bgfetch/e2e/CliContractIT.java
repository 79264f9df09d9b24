package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Exit codes, the shape of errors and of --json output, IDs that round-trip, help texts. */
class CliContractIT extends EndToEndTest {

    /** One {@code bgfetch: } line on stderr, nothing on stdout, no stack trace. */
    static void assertOneErrorLine(Result r, int exit, String what) {
        assertEquals(exit, r.exit(), () -> what + ": " + r.describe());
        String err = r.stderr().strip();
        assertTrue(err.startsWith("bgfetch: "), () -> what + ": stderr starts with 'bgfetch: ': " + r.describe());
        assertEquals(1, err.lines().count(), () -> what + ": exactly one line on stderr: " + r.describe());
        assertFalse(err.contains("Exception"), () -> what + ": no exception name: " + r.describe());
        assertFalse(r.stderr().contains("\tat "), () -> what + ": no stack trace: " + r.describe());
        assertEquals("", r.out(), () -> what + ": nothing on stdout: " + r.describe());
    }

    @Test
    void usageErrorsExitTwoAndRegisterNothing() throws Exception {
        server.add("/ok.bin", 100);
        String ok = server.url("/ok.bin");
        Path dir = Files.createDirectories(tmp.resolve("a-directory"));

        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"fetch", "u-ftp", "ftp://127.0.0.1/file.bin"});
        cases.add(new String[] {"fetch", "u-file", "file:///etc/passwd"});
        cases.add(new String[] {"fetch", "u-nourl"});
        cases.add(new String[] {"fetch", "--download-total", "12XB", "u-size", ok});
        cases.add(new String[] {"fetch", "--retry-for", "5parsecs", "u-duration", ok});
        cases.add(new String[] {"fetch", "x".repeat(201), ok});
        cases.add(new String[] {"fetch", "ctl\u0001id", ok});
        cases.add(new String[] {"fetch", "new\nline", ok});
        cases.add(new String[] {"fetch", "--input", tmp.resolve("missing.txt").toString(), "u-missing"});
        cases.add(new String[] {"fetch", "--input", dir.toString(), "u-dir"});
        cases.add(new String[] {"fetch", "--no-such-option", "u-opt", ok});
        for (String[] c : cases) {
            assertOneErrorLine(bg.run(c), 2, String.join(" ", c));
        }

        Result list = bg.run("list", "--all");
        assertEquals(0, list.exit(), list::describe);
        assertEquals("", list.out(), "nothing was registered by the usage errors");
        assertEquals(0, server.requestCount("/ok.bin"), "no request reached the server");
    }

    @Test
    void unknownFetchesAndRecordsExitThree() {
        server.add("/known.bin", 1_000);
        Result f = bg.run("fetch", "--wait", "known", server.url("/known.bin"));
        assertEquals(0, f.exit(), f::describe);

        assertOneErrorLine(bg.run("status", "nope"), 3, "status nope");
        assertOneErrorLine(bg.run("status", "nope", "--json"), 3, "status nope --json");
        assertOneErrorLine(bg.run("abort", "nope"), 3, "abort nope");
        assertOneErrorLine(bg.run("match", "nope"), 3, "match nope");
        assertOneErrorLine(bg.run("match", "nope", server.url("/known.bin")), 3, "match nope URL");
        assertOneErrorLine(bg.run("match", "known", "http://unknown-url/"), 3, "match known http://unknown-url/");
        assertOneErrorLine(bg.run("match", "known", server.url("/other.bin")), 3, "match known other URL");
        assertOneErrorLine(bg.run("rm", "nope"), 3, "rm nope");
    }

    @Test
    void sameIdWhileActiveOrFinishedConflicts() {
        server.add("/slow.bin", 1_000_000).throttle(40_000);
        server.add("/fin.bin", 2_000);
        Resource fin2 = server.add("/fin2.bin", 3_000);

        Result a = bg.run("fetch", "busy", server.url("/slow.bin"));
        assertEquals(0, a.exit(), a::describe);
        assertOneErrorLine(bg.run("fetch", "busy", server.url("/fin.bin")), 4, "same ID while active");
        assertOneErrorLine(bg.run("fetch", "--replace", "busy", server.url("/fin.bin")), 4,
                "--replace while active");
        Map<String, Object> busy = bg.status("busy");
        assertEquals(1L, FetchBasicsIT.num(busy, "requests"), "the active fetch is untouched: " + busy);
        assertEquals(0, bg.run("abort", "busy").exit());

        Result f = bg.run("fetch", "--wait", "fin", server.url("/fin.bin"));
        assertEquals(0, f.exit(), f::describe);
        assertOneErrorLine(bg.run("fetch", "fin", server.url("/fin2.bin")), 4, "same ID when finished");

        Result rep = bg.run("fetch", "--replace", "--wait", "fin", server.url("/fin2.bin"));
        assertEquals(0, rep.exit(), rep::describe);
        Result oldRecord = bg.run("match", "fin", server.url("/fin.bin"));
        assertEquals(3, oldRecord.exit(), () -> "old record is gone after --replace: " + oldRecord.describe());
        assertEquals("", oldRecord.out());
        Result newRecord = bg.run("match", "fin", server.url("/fin2.bin"));
        assertEquals(0, newRecord.exit(), newRecord::describe);
        assertEquals(fin2.sha256(), Sha256.hex(newRecord.stdoutBytes()));
        List<Object> records = bg.run("match", "fin", "--json").jsonArray();
        assertEquals(1, records.size(), "only the new record: " + records);
        assertEquals(server.url("/fin2.bin"), ((Map<?, ?>) records.get(0)).get("url"));
        assertEquals(1L, FetchBasicsIT.num(bg.status("fin"), "requests"));
    }

    @Test
    void awkwardIdRoundTrips() {
        // A deterministic UTF-8 locale: non-ASCII arguments and output depend on it in any JVM program.
        bg.env("LC_ALL", "C.UTF-8");
        Path marker = Path.of("/tmp/bgfetch-id-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        String base = "sp ace \"dq\" 'sq' $(touch " + marker + ") `id` ; | & ü日本€ \\ ";
        StringBuilder sb = new StringBuilder(base);
        while (sb.length() < 200) {
            sb.append((char) ('a' + sb.length() % 26));
        }
        String id = sb.toString();
        assertEquals(200, id.length());
        assertEquals(200, id.codePointCount(0, id.length()));

        Resource r = server.add("/odd.bin", 4_000);
        String url = server.url("/odd.bin");
        Result f = bg.run("fetch", "--wait", id, url);
        assertEquals(0, f.exit(), f::describe);

        Result list = bg.run("list", "--all");
        assertEquals(0, list.exit(), list::describe);
        assertEquals(List.of(id), list.out().lines().toList(), "list --all prints the ID exactly");

        Map<String, Object> st = bg.status(id);
        assertEquals(id, st.get("id"));

        List<Object> all = bg.run("list", "--all", "--json").jsonArray();
        assertEquals(1, all.size());
        assertEquals(id, ((Map<?, ?>) all.get(0)).get("id"));

        Result m = bg.run("match", id, url);
        assertEquals(0, m.exit(), m::describe);
        assertEquals(r.sha256(), Sha256.hex(m.stdoutBytes()));
        assertFalse(Files.exists(marker), "nothing ran the $(...) in the ID");
    }

    @Test
    void jsonOutputIsExactlyOneDocument() {
        server.add("/slow.bin", 600_000).throttle(30_000);
        server.add("/a.bin", 1_000);
        assertEquals(0, bg.run("fetch", "--wait", "finished", server.url("/a.bin")).exit());
        assertEquals(0, bg.run("fetch", "running", server.url("/slow.bin")).exit());

        List<Object> active = bg.run("list", "--json").jsonArray();
        assertEquals(1, active.size(), "list --json: active only: " + active);
        assertEquals("running", ((Map<?, ?>) active.get(0)).get("id"));
        assertEquals(2, bg.run("list", "--all", "--json").jsonArray().size());

        Result one = bg.run("status", "finished", "--json");
        assertEquals(0, one.exit(), one::describe);
        assertEquals("finished", one.json().get("id"));
        Result two = bg.run("status", "finished", "running", "--json");
        assertEquals(0, two.exit(), two::describe);
        assertEquals(2, two.jsonArray().size());
        Result activeStatus = bg.run("status", "--json");
        assertEquals(0, activeStatus.exit(), activeStatus::describe);
        List<Object> activeRegs = activeStatus.jsonArray();
        assertEquals(1, activeRegs.size(), "status --json without IDs: every active fetch");

        Result records = bg.run("match", "finished", "--json");
        assertEquals(0, records.exit(), records::describe);
        assertEquals(1, records.jsonArray().size());
        Result record = bg.run("match", "finished", server.url("/a.bin"), "--json");
        assertEquals(0, record.exit(), record::describe);
        assertEquals(server.url("/a.bin"), record.json().get("url"));

        Result daemon = bg.run("daemon", "status", "--json");
        assertEquals(0, daemon.exit(), daemon::describe);
        assertTrue(daemon.json().containsKey("pid"));

        Result fetchJson = bg.run("fetch", "--json", "another", server.url("/a.bin"));
        assertEquals(0, fetchJson.exit(), fetchJson::describe);
        assertEquals("another", fetchJson.json().get("id"));

        assertEquals(0, bg.run("abort", "running").exit());
    }

    @Test
    void helpWorksForEveryCommand() {
        List<List<String>> commands = List.of(
                List.of(), List.of("fetch"), List.of("list"), List.of("status"), List.of("abort"),
                List.of("pause"), List.of("resume"), List.of("match"), List.of("rm"), List.of("completion"),
                List.of("daemon"), List.of("daemon", "run"), List.of("daemon", "start"),
                List.of("daemon", "stop"), List.of("daemon", "status"));
        Set<List<String>> alsoShort = Set.of(List.of(), List.of("fetch"), List.of("daemon", "status"));
        for (List<String> c : commands) {
            for (String flag : alsoShort.contains(c) ? new String[] {"--help", "-h"} : new String[] {"--help"}) {
                List<String> args = new ArrayList<>(c);
                args.add(flag);
                Result r = bg.run(args.toArray(String[]::new));
                assertEquals(0, r.exit(), () -> args + ": " + r.describe());
                assertTrue(r.out().contains("Usage"), () -> args + " prints usage on stdout: " + r.describe());
                if (!c.isEmpty()) {
                    assertTrue(r.out().contains(c.get(c.size() - 1)), () -> args + " names the command");
                }
                assertFalse(r.stderr().contains("Exception"), () -> args + ": " + r.describe());
            }
        }
        assertEquals(-1, bg.daemonPid(), "help starts no daemon");
    }

    @Test
    void listShowsActiveIdsOnePerLineAllAndLong() {
        server.add("/slow.bin", 1_000_000).throttle(40_000);
        server.add("/a.bin", 1_000);
        assertEquals(0, bg.run("fetch", "--wait", "-t", "Finished Title", "done-one", server.url("/a.bin")).exit());
        assertEquals(0, bg.run("fetch", "-t", "Running Title", "active-one", server.url("/slow.bin")).exit());
        assertEquals(0, bg.run("fetch", "-t", "Second Title", "active-two", server.url("/slow.bin")).exit());

        Result list = bg.run("list");
        assertEquals(0, list.exit(), list::describe);
        assertEquals(Set.of("active-one", "active-two"), new HashSet<>(list.out().lines().toList()),
                "list: IDs of active fetches only, one per line: " + list.describe());
        assertEquals(2, list.out().lines().count());
        assertTrue(list.out().endsWith("\n"));

        Result all = bg.run("list", "--all");
        assertEquals(0, all.exit(), all::describe);
        assertEquals(Set.of("active-one", "active-two", "done-one"), new HashSet<>(all.out().lines().toList()));
        assertEquals(3, all.out().lines().count());

        Result longList = bg.run("list", "-l");
        assertEquals(0, longList.exit(), longList::describe);
        String table = longList.out();
        assertTrue(table.contains("active-one") && table.contains("Running Title"), table);
        assertFalse(table.contains("done-one"), "-l without --all: active only:\n" + table);
        assertTrue(table.lines().count() >= 2, table);

        Result longAll = bg.run("list", "-l", "--all");
        assertEquals(0, longAll.exit(), longAll::describe);
        String allTable = longAll.out();
        assertTrue(allTable.contains("done-one") && allTable.contains("Finished Title")
                && allTable.contains("done"), allTable);

        assertEquals(0, bg.run("abort", "active-one").exit());
        assertEquals(0, bg.run("abort", "active-two").exit());
        Poll.until(Duration.ofSeconds(20), () -> bg.run("list").out().isEmpty(), "no active fetch left");
    }
}
