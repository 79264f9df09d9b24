package io.bgfetch.e2e;

import static io.bgfetch.e2e.FetchBasicsIT.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What progress displays read from status --json: the transfers in flight with their own bytes,
 * size and rate, the total a percent can be shown of, and record sizes that are never negative.
 */
class TransfersIT extends EndToEndTest {

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> transfers(Map<String, Object> status) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : (List<Object>) status.get("transfers")) {
            out.add((Map<String, Object>) o);
        }
        out.sort(Comparator.comparingLong(t -> num(t, "index")));
        return out;
    }

    @Test
    void eachTransferInFlightHasItsNameBytesSizeAndRate() throws Exception {
        Resource a = server.add("/download?id=7", 2_000_000).throttle(150_000)
                .header("Content-Disposition", "attachment; filename=\"episode-7.mp3\"");
        Resource b = server.add("/files/b.iso", 1_500_000).throttle(150_000);
        Resource c = server.add("/files/c.bin", 1_000_000).throttle(150_000);
        Path list = tmp.resolve("list.txt");
        Files.writeString(list, server.url("/download?id=7") + "\n" + server.url("/files/b.iso") + "\n"
                + server.url("/files/c.bin") + " out=chosen.bin\n", StandardCharsets.UTF_8);

        Result f = bg.run("fetch", "-i", list.toString(), "-j", "3", "progress");
        assertEquals(0, f.exit(), f::describe);

        AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
        Poll.until(Duration.ofSeconds(30), () -> {
            Map<String, Object> st = bg.status("progress");
            seen.set(st);
            List<Map<String, Object>> t = transfers(st);
            return t.size() == 3 && t.stream().allMatch(x -> num(x, "downloaded") > 0 && num(x, "bytesPerSecond") > 0
                    && num(x, "size") > 0);
        }, "three transfers moving, each with its size and rate");

        Map<String, Object> st = seen.get();
        List<Map<String, Object>> t = transfers(st);
        assertEquals(List.of(0L, 1L, 2L), t.stream().map(x -> num(x, "index")).toList());
        assertEquals(List.of("episode-7.mp3", "b.iso", "chosen.bin"), t.stream().map(x -> x.get("name")).toList(),
                "the names --dest would give");
        assertEquals(server.url("/files/b.iso"), t.get(1).get("url"));
        assertEquals(List.of((long) a.size(), (long) b.size(), (long) c.size()),
                t.stream().map(x -> num(x, "size")).toList(), "the announced lengths");
        for (Map<String, Object> x : t) {
            // each server answer is throttled to 150 kB/s; the fetch as a whole moves about 450 kB/s
            assertTrue(num(x, "bytesPerSecond") < 300_000, "each record's own rate, not the fetch's: " + x);
            assertTrue(num(x, "downloaded") <= num(x, "size"), x::toString);
        }
        assertEquals(0L, num(st, "downloadTotal"), "no --download-total given");
        assertEquals((long) a.size() + b.size() + c.size(), num(st, "expectedTotal"),
                "a display can show a percent of the announced sizes");

        Map<String, Object> done = bg.awaitDone("progress", Duration.ofSeconds(60));
        assertEquals("success", done.get("result"));
        assertEquals(List.of(), done.get("transfers"), "nothing in flight once done");
        assertEquals((long) a.size() + b.size() + c.size(), num(done, "expectedTotal"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void noRecordEverReportsANegativeSize() throws Exception {
        Resource ok = server.add("/ok.bin", 12_345);
        String refused;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refused = "http://127.0.0.1:" + s.getLocalPort() + "/refused.bin";
        }

        Result f = bg.run("fetch", "--wait", "--retry-for", "1s", "sizes", server.url("/ok.bin"),
                server.url("/missing.bin"), refused);
        assertEquals(1, f.exit(), f::describe);

        Result m = bg.run("match", "sizes", "--json");
        assertEquals(0, m.exit(), m::describe);
        List<Object> records = m.jsonArray();
        assertEquals(3, records.size());
        Map<String, Object> r0 = (Map<String, Object>) records.get(0);
        Map<String, Object> r1 = (Map<String, Object>) records.get(1);
        Map<String, Object> r2 = (Map<String, Object>) records.get(2);
        assertEquals((long) ok.size(), num(r0, "size"));
        assertEquals("failed", r1.get("state"));
        assertEquals(0L, num(r1, "size"), "a 404 has no body");
        assertEquals("failed", r2.get("state"));
        assertEquals(0L, num(r2, "size"), "no response at all: 0, not -1");
    }
}
