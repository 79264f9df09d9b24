package io.bgfetch.e2e;

import static io.bgfetch.e2e.FetchBasicsIT.num;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Fault;
import io.bgfetch.testing.RequestLog;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import io.bgfetch.testing.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** mirror= in --input lines: another source takes over when the first fails for good. */
class MirrorIT extends EndToEndTest {

    private Path list(String... lines) throws Exception {
        Path list = tmp.resolve("list.txt");
        Files.writeString(list, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return list;
    }

    /** A loopback URL nobody listens on: connections are refused. */
    private static String deadUrl(String path) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort() + path;
        }
    }

    @Test
    void aMirrorTakesOverFromAUrlThatAnswers404() throws Exception {
        try (TestServer mirrorServer = TestServer.start()) {
            Resource r = mirrorServer.add("/pub/image.iso", 400_000);
            Path dest = Files.createDirectories(tmp.resolve("dest"));
            Path list = list(server.url("/gone/image.iso") + " mirror=" + mirrorServer.url("/pub/image.iso")
                    + " sha256=" + r.sha256());

            Result f = bg.run("fetch", "--wait", "--dest", dest.toString(), "-i", list.toString(), "m404");

            assertEquals(0, f.exit(), f::describe);
            assertEquals(r.sha256(), Sha256.hex(dest.resolve("image.iso")), "named after the request's URL");
            assertEquals(List.of(404), server.requests("/gone/image.iso").stream().map(RequestLog::status).toList(),
                    "a 404 is final: asked once, then the mirror");
            Result m = bg.run("match", "m404", server.url("/gone/image.iso"));
            assertEquals(0, m.exit(), m::describe);
            assertEquals(r.sha256(), Sha256.hex(m.stdoutBytes()), "the record is the request's, filled by the mirror");
        }
    }

    @Test
    void aMirrorTakesOverFromARefusedUrlOnceItsRetryWindowRunsOut() throws Exception {
        Resource r = server.add("/mirror/data.bin", 300_000);
        Path list = list(deadUrl("/data.bin") + " mirror=" + server.url("/mirror/data.bin"));

        Result f = bg.run("fetch", "--wait", "--retry-for", "2s", "-i", list.toString(), "refused");

        assertEquals(0, f.exit(), f::describe);
        Result m = bg.run("match", "refused", "--json");
        assertEquals(0, m.exit(), m::describe);
        @SuppressWarnings("unchecked")
        Map<String, Object> rec = (Map<String, Object>) m.jsonArray().get(0);
        assertEquals("done", rec.get("state"));
        assertEquals((long) r.size(), num(rec, "size"));
        assertEquals(r.sha256(), Sha256.hex(Path.of((String) rec.get("path"))));
    }

    @Test
    void mirrorsAreTriedInOrderAndTheRecordFailsOnlyWhenAllHave() throws Exception {
        server.add("/m1/f.bin", 10).status(410);
        Resource good = server.add("/m2/f.bin", 50_000);
        Path list = list(server.url("/f.bin") + " mirror=" + server.url("/m1/f.bin") + " mirror=" + server.url("/m2/f.bin"),
                server.url("/nowhere.bin") + " mirror=" + server.url("/also-nowhere.bin"));

        Result f = bg.run("fetch", "--wait", "-i", list.toString(), "order");

        assertEquals(1, f.exit(), "the second request has no good source: " + f.describe());
        assertEquals(1, server.requestCount("/f.bin"));
        assertEquals(1, server.requestCount("/m1/f.bin"));
        assertArrayEquals(good.body(), bg.run("match", "order", server.url("/f.bin")).stdoutBytes());
        Map<String, Object> st = bg.status("order");
        assertEquals("bad-status", st.get("failureReason"));
        assertEquals(1, server.requestCount("/nowhere.bin"));
        assertEquals(1, server.requestCount("/also-nowhere.bin"));
    }

    @Test
    void aBodyStartedOnTheUrlIsResumedOnTheMirrorOnlyWithIfRange() throws Exception {
        try (TestServer mirrorServer = TestServer.start()) {
            // The same path on both: the same deterministic bytes, hence the same ETag.
            Resource primary = server.add("/big.bin", 600_000);
            Resource copy = mirrorServer.add("/big.bin", 600_000);
            assertEquals(primary.currentEtag(), copy.currentEtag());
            // The URL sends 200 000 bytes, then is gone for good.
            primary.faults(Fault.dropAfter(200_000), Fault.status(404, null));
            Path list = list(server.url("/big.bin") + " mirror=" + mirrorServer.url("/big.bin"));

            Result f = bg.run("fetch", "--wait", "-i", list.toString(), "resume");

            assertEquals(0, f.exit(), f::describe);
            assertEquals(List.of(200, 404), server.requests("/big.bin").stream().map(RequestLog::status).toList());
            RequestLog resumed = mirrorServer.requests("/big.bin").get(0);
            assertEquals("bytes=200000-599999", resumed.header("Range"), "continued where it stopped: " + resumed);
            assertEquals(primary.currentEtag(), resumed.header("If-Range"), "proving it is the same body");
            assertEquals(206, resumed.status());
            assertEquals(400_000, mirrorServer.bytesSent("/big.bin"), "only the missing bytes");
            assertEquals(primary.sha256(), Sha256.hex(bg.run("match", "resume", server.url("/big.bin")).stdoutBytes()));
        }
    }

    @Test
    void aMirrorWithAnotherVersionStartsTheBodyAgain() throws Exception {
        try (TestServer mirrorServer = TestServer.start()) {
            Resource primary = server.add("/v.bin", 600_000);
            Resource other = mirrorServer.add("/elsewhere/v.bin", 500_000); // other bytes, other ETag
            primary.faults(Fault.dropAfter(200_000), Fault.status(404, null));
            Path list = list(server.url("/v.bin") + " mirror=" + mirrorServer.url("/elsewhere/v.bin"));

            Result f = bg.run("fetch", "--wait", "-i", list.toString(), "restart");

            assertEquals(0, f.exit(), f::describe);
            List<RequestLog> asked = mirrorServer.requests("/elsewhere/v.bin");
            assertEquals(primary.currentEtag(), asked.get(0).header("If-Range"));
            assertEquals(200, asked.get(0).status(), "the mirror's body is another: the whole of it");
            byte[] stored = bg.run("match", "restart", server.url("/v.bin")).stdoutBytes();
            assertEquals(other.sha256(), Sha256.hex(stored), "never a splice of two versions");
        }
    }
}
