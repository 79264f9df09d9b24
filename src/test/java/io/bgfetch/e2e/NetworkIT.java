package io.bgfetch.e2e;

import static io.bgfetch.e2e.FetchBasicsIT.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.ForwardProxy;
import io.bgfetch.testing.HostileServer;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.RedirectingOrigin;
import io.bgfetch.testing.RequestLog;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.SelfSignedCertificate;
import io.bgfetch.testing.Sha256;
import io.bgfetch.testing.TlsServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * "The network a fetch sees", through the launcher: proxies from the environment or
 * {@code --proxy} (stored with the fetch), {@code no_proxy}, {@code --cacert} and {@code -k},
 * credentials that follow a redirect only to their origin, and hostile servers that fail their
 * record, not the daemon.
 */
class NetworkIT extends EndToEndTest {
    /** A host that exists only in the test proxy's map (.test never resolves). */
    private static final String HIDDEN = "only-via-proxy.test";
    private static final Duration DONE = Duration.ofSeconds(60);
    /** Far more than a bounded daemon takes in from a hostile server, far less than an unbounded one would. */
    private static final long BOUNDED = 64L << 20;

    private static boolean hasControlCharacters(String s) {
        return s.chars().anyMatch(c -> c != '\n' && Character.isISOControl(c));
    }

    private void assertStored(String id, String url, Resource r) {
        Result m = bg.run("match", id, url);
        assertEquals(0, m.exit(), m::describe);
        assertEquals(r.sha256(), Sha256.hex(m.stdoutBytes()));
    }

    // ---- proxies --------------------------------------------------------------------------

    @Test
    void theProxyOfTheEnvironmentReachesAHostOnlyItKnows() throws Exception {
        Resource r = server.add("/file.bin", 300_000);
        try (ForwardProxy proxy = ForwardProxy.start().map(HIDDEN, server.port())) {
            bg.env("http_proxy", proxy.url(null));
            String url = "http://" + HIDDEN + ":" + server.port() + "/file.bin";

            Result f = bg.run("fetch", "--wait", "via-proxy", url);

            assertEquals(0, f.exit(), f::describe);
            assertStored("via-proxy", url, r);
            assertEquals(1, proxy.forwarded());
        }
    }

    @Test
    void noProxyHostsGoDirect() throws Exception {
        Resource r = server.add("/file.bin", 100_000);
        try (ForwardProxy proxy = ForwardProxy.start()) {
            bg.env("http_proxy", proxy.url(null)).env("no_proxy", "example.com, 127.0.0.1");

            Result f = bg.run("fetch", "--wait", "direct", server.url("/file.bin"));

            assertEquals(0, f.exit(), f::describe);
            assertStored("direct", server.url("/file.bin"), r);
            assertEquals(0, proxy.seen().size(), "the proxy saw nothing");
        }
    }

    @Test
    void theProxyIsStoredWithTheFetchAndUsedByTheNextDaemonWhateverItsEnvironment() throws Exception {
        Resource r = server.add("/slow.bin", 2_000_000).throttle(400_000);
        try (ForwardProxy proxy = ForwardProxy.start().map(HIDDEN, server.port())) {
            proxy.requireCredentials("pu", "pr0xy-s3cret");
            String url = "http://" + HIDDEN + ":" + server.port() + "/slow.bin";

            Result f = bg.run("fetch", "--proxy", proxy.url("pu:pr0xy-s3cret"), "stored", url);
            assertEquals(0, f.exit(), f::describe);
            Poll.until(Duration.ofSeconds(30), () -> num(bg.status("stored"), "downloaded") > 0, "bytes arriving");
            long oldPid = bg.daemonPid();
            bg.killDaemon();
            // the next daemon starts from an environment whose proxy leads nowhere
            bg.env("http_proxy", "http://127.0.0.1:9").env("no_proxy", "");
            Result st = bg.run("status", "stored", "--json");
            assertEquals(0, st.exit(), st::describe);

            Map<String, Object> s = bg.awaitDone("stored", DONE);
            assertEquals("success", s.get("result"), s::toString);
            assertTrue(bg.daemonPid() != oldPid, "a new daemon finished it");
            assertStored("stored", url, r);
            assertTrue(proxy.forwarded() >= 2, "the resumed request went through the proxy too: " + proxy.forwarded());
            for (RequestLog log : server.allRequests()) {
                assertNull(log.header("proxy-authorization"), "the origin never sees the proxy's credentials");
            }
            String json = bg.run("status", "stored", "--json").out() + bg.run("match", "stored", "--json").out()
                    + bg.run("list", "--all", "--json").out();
            assertFalse(json.contains("pr0xy-s3cret"), json);
            Path log = bg.home().resolve("daemon.log");
            assertFalse(Files.exists(log) && Files.readString(log).contains("pr0xy-s3cret"), "daemon.log holds no credentials");
        }
    }

    // ---- trust ----------------------------------------------------------------------------

    @Test
    void aSelfSignedServerFailsAtOnceWithoutCacertAndWorksWithItOrWithK() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.generate(tmp.resolve("tls"), "ip:127.0.0.1");
        byte[] content = "over TLS\n".getBytes(StandardCharsets.UTF_8);
        try (TlsServer tls = TlsServer.start(cert).add("/file", content)) {
            String url = tls.url("127.0.0.1", "/file");

            long t0 = System.nanoTime();
            Result untrusted = bg.run("fetch", "--wait", "untrusted", url);
            assertEquals(1, untrusted.exit(), untrusted::describe);
            assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "not retried for the retry window");
            assertTrue(untrusted.stderr().contains("fetch-error"), untrusted::describe);
            assertTrue(untrusted.stderr().contains("TLS certificate is not trusted"), untrusted::describe);

            Result trusted = bg.run("fetch", "--wait", "--cacert", cert.pem().toString(), "trusted", url);
            assertEquals(0, trusted.exit(), trusted::describe);
            Result m = bg.run("match", "trusted", url);
            assertEquals(0, m.exit(), m::describe);
            assertEquals(new String(content, StandardCharsets.UTF_8), m.out());

            Result insecure = bg.run("fetch", "--wait", "-k", "insecure", url);
            assertEquals(0, insecure.exit(), insecure::describe);
        }
    }

    // ---- credentials ------------------------------------------------------------------------

    @Test
    void credentialsFollowARedirectOnlyToTheirOrigin() throws Exception {
        Resource blob = server.add("/blob", 200_000);
        try (RedirectingOrigin origin = RedirectingOrigin.start()) {
            origin.requireBasic("alice", "s3cret-pw").redirectTo(server.url("/blob?signature=x"), 302);

            Result f = bg.run("fetch", "--wait", "-u", "alice:s3cret-pw", "-H", "Cookie: session=1", "authed",
                    origin.url("/asset"));
            assertEquals(0, f.exit(), f::describe);
            assertStored("authed", origin.url("/asset"), blob);

            String withUserInfo = origin.url("/asset").replace("http://", "http://alice:s3cret-pw@");
            Result g = bg.run("fetch", "--wait", "userinfo", withUserInfo);
            assertEquals(0, g.exit(), g::describe);

            assertEquals(2, origin.requests().size());
            assertTrue(origin.requests().stream().allMatch(h -> h.get("authorization") != null));
            assertEquals(2, server.requestCount("/blob"));
            for (RequestLog r : server.requests("/blob")) {
                assertNull(r.header("authorization"), r.toString());
                assertNull(r.header("cookie"), r.toString());
            }
            String json = bg.run("match", "authed", "--json").out() + bg.run("match", "userinfo", "--json").out()
                    + bg.run("status", "authed", "--json").out();
            assertFalse(json.contains("s3cret-pw"), json);
        }
    }

    @Test
    void aRedirectLoopFailsAtOnceInWords() {
        server.add("/a", new byte[0]).status(302).header("Location", "/b");
        server.add("/b", new byte[0]).status(302).header("Location", "/a");

        Result f = bg.run("fetch", "--wait", "loop", server.url("/a"));

        assertEquals(1, f.exit(), f::describe);
        assertTrue(f.stderr().contains("fetch-error") && f.stderr().contains("redirect loop"), f::describe);
        assertEquals(1, server.requestCount("/a"));
    }

    // ---- hostile servers ----------------------------------------------------------------------

    @Test
    void anEndlessHeaderLineFailsItsRecordAndTheDaemonGoesOn() throws Exception {
        try (HostileServer hostile = HostileServer.endless("HTTP/1.1 200 OK\r\nX-Endless: ", 'a')) {
            Result f = bg.run("fetch", "--wait", "hostile", hostile.url("/x"));
            assertEquals(1, f.exit(), f::describe);
            assertTrue(f.stderr().contains("fetch-error") && f.stderr().contains("malformed response"), f::describe);
            assertTrue(hostile.bytesSent() < BOUNDED, "bytes taken in: " + hostile.bytesSent());
            long pid = bg.daemonPid();

            Resource r = server.add("/after.bin", 50_000);
            Result after = bg.run("fetch", "--wait", "after", server.url("/after.bin"));
            assertEquals(0, after.exit(), after::describe);
            assertStored("after", server.url("/after.bin"), r);
            assertEquals(pid, bg.daemonPid(), "the same daemon");
        }
    }

    @Test
    void anEndlessBodyWithoutALengthStopsAtTheQuota() throws Exception {
        bg.env("BGFETCH_QUOTA", "4MB");
        try (HostileServer endless = HostileServer.endless("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", 'z')) {
            Result f = bg.run("fetch", "--wait", "endless", endless.url("/x"));

            assertEquals(1, f.exit(), f::describe);
            assertTrue(f.stderr().contains("quota-exceeded"), f::describe);
            assertEquals("quota-exceeded", bg.status("endless").get("failureReason"));
            assertTrue(endless.bytesSent() < BOUNDED, "bytes taken in: " + endless.bytesSent());
            assertTrue(bg.daemonPid() > 0 && !io.bgfetch.testing.Bgfetch.isGone(bg.daemonPid()), "the daemon lives");
        }
    }

    @Test
    void serverTextReachesTheTerminalWithoutControlCharacters() throws Exception {
        try (HostileServer notFound = HostileServer.fixed("HTTP/1.1 404 Not\u001b]0;pwned\u0007 Found\r\n"
                + "Content-Length: 0\r\n\r\n");
             HostileServer evilHeaders = HostileServer.fixed("HTTP/1.1 200 O\u001b[2JK\r\nX-Evil: a\u001b]0;t\u0007b\r\n"
                     + "Content-Length: 2\r\n\r\nok")) {
            Result f = bg.run("fetch", "--wait", "evil404", notFound.url("/x"));
            assertEquals(1, f.exit(), f::describe);
            assertTrue(f.stderr().contains("bad-status"), f::describe);
            assertFalse(hasControlCharacters(f.stderr()), f::describe);

            Result g = bg.run("fetch", "--wait", "evilheaders", evilHeaders.url("/x"));
            assertEquals(0, g.exit(), g::describe);
            Result m = bg.run("match", "evilheaders", evilHeaders.url("/x"), "--headers");
            assertEquals(0, m.exit(), m::describe);
            assertEquals("ok", m.out());
            assertTrue(m.stderr().contains("x-evil"), m::describe);
            assertFalse(hasControlCharacters(m.stderr()), m::describe);
            Map<?, ?> rec = bg.run("match", "evilheaders", "--json").jsonArray().stream()
                    .map(o -> (Map<?, ?>) o).findFirst().orElseThrow();
            assertFalse(hasControlCharacters(String.valueOf(rec.get("headers"))), rec::toString);
        }
    }
}
