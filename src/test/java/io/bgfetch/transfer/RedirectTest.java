package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.RedirectingOrigin;
import io.bgfetch.testing.RequestLog;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redirects are followed as curl follows them: credentials only to the origin they were given
 * for, a redirect that can never end (a loop, more than 20, another scheme) fails at once, and
 * a resumed body follows the redirect again with its Range.
 */
@Timeout(30)
class RedirectTest {
    @TempDir
    Path tmp;

    private RedirectingOrigin origin;
    private TestServer cdn;
    private final HttpTransport http = new HttpTransport(Downloads.SETTINGS, "test");
    private final Recorder listener = new Recorder();
    private Path body;

    @BeforeEach
    void start() throws Exception {
        origin = RedirectingOrigin.start();
        cdn = TestServer.start();
        body = tmp.resolve("body");
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        origin.close();
        cdn.close();
    }

    private Outcome download(String url, String credentials, String... headers) {
        return Downloads.run(http, Downloads.get(url, body, Duration.ofHours(1), null, credentials, headers), listener);
    }

    private static void assertNoCredentials(RequestLog r) {
        assertNull(r.header("authorization"), r.toString());
        assertNull(r.header("cookie"), r.toString());
        assertNull(r.header("proxy-authorization"), r.toString());
    }

    private Outcome.Failed failedAtOnce(Outcome outcome) {
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.FETCH_ERROR, failed.kind(), failed.message());
        assertEquals(0, listener.waits.get(), "not retried");
        return failed;
    }

    // ---- credentials --------------------------------------------------------------------

    @Test
    void basicCredentialsReachTheOriginAndNeverTheCdnItRedirectsTo() throws Exception {
        byte[] content = cdn.add("/blob", 200_000).body();
        origin.requireBasic("alice", "s3cret:x").redirectTo(cdn.url("/blob?sig=abc"), 302);

        Outcome outcome = download(origin.url("/asset"), "alice:s3cret:x", "Cookie: session=abc", "X-Trace: 7");

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(body));
        Map<String, String> atOrigin = origin.requests().get(0);
        assertEquals("Basic " + Base64.getEncoder().encodeToString("alice:s3cret:x".getBytes(StandardCharsets.UTF_8)),
                atOrigin.get("authorization"));
        assertEquals("session=abc", atOrigin.get("cookie"));
        List<RequestLog> atCdn = cdn.requests("/blob");
        assertEquals(1, atCdn.size());
        assertNoCredentials(atCdn.get(0));
        assertEquals("7", atCdn.get(0).header("x-trace"), "other headers still go along");
    }

    @Test
    void credentialHeadersOfAnyCaseReachTheOriginOnly() throws Exception {
        byte[] content = cdn.add("/blob", 10_000).body();
        origin.requireAuthorization("Bearer t0k3n").redirectTo(cdn.url("/blob"), 307);

        Outcome outcome = download(origin.url("/asset"), null,
                "authorization: Bearer t0k3n", "COOKIE: a=1", "Proxy-Authorization: Basic eDp5");

        assertEquals(new Outcome.Done(content.length), outcome);
        assertEquals("a=1", origin.requests().get(0).get("cookie"));
        assertNoCredentials(cdn.requests("/blob").get(0));
    }

    @Test
    void anExplicitAuthorizationHeaderWinsOverBasicCredentials() throws Exception {
        cdn.add("/blob", 100);
        origin.requireAuthorization("Bearer mine").redirectTo(cdn.url("/blob"), 302);

        Outcome outcome = download(origin.url("/asset"), "user:pass", "Authorization: Bearer mine");

        assertEquals(new Outcome.Done(100), outcome);
        assertEquals("Bearer mine", origin.requests().get(0).get("authorization"));
    }

    @Test
    void withoutCredentialsTheOriginRefuses() {
        origin.requireBasic("alice", "s3cret").redirectTo(cdn.url("/blob"), 302);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, download(origin.url("/asset"), null));

        assertEquals(FailureKind.BAD_STATUS, failed.kind());
        assertEquals(401, failed.httpStatus());
        assertEquals(0, cdn.allRequests().size());
    }

    @Test
    void aRedirectWithinTheOriginKeepsTheCredentials() throws Exception {
        cdn.add("/old", new byte[0]).status(301).header("Location", "/new");
        byte[] content = cdn.add("/new", 5_000).body();

        Outcome outcome = download(cdn.url("/old"), "bob:pw", "Cookie: c=1");

        assertEquals(new Outcome.Done(content.length), outcome);
        assertEquals(cdn.requests("/old").get(0).header("authorization"), cdn.requests("/new").get(0).header("authorization"));
        assertEquals("c=1", cdn.requests("/new").get(0).header("cookie"));
    }

    @Test
    void anotherPortIsAnotherOrigin() throws Exception {
        try (TestServer sameHost = TestServer.start()) {
            sameHost.add("/blob", 100);
            cdn.add("/start", new byte[0]).status(302).header("Location", sameHost.url("/blob"));

            Outcome outcome = download(cdn.url("/start"), "bob:pw");

            assertEquals(new Outcome.Done(100), outcome);
            assertTrue(cdn.requests("/start").get(0).header("authorization") != null);
            assertNoCredentials(sameHost.requests("/blob").get(0));
        }
    }

    // ---- redirects that can never end -----------------------------------------------------

    @Test
    void aRedirectLoopFailsAtOnceInWords() {
        cdn.add("/a", new byte[0]).status(302).header("Location", "/b");
        cdn.add("/b", new byte[0]).status(302).header("Location", cdn.url("/a"));

        Outcome.Failed failed = failedAtOnce(download(cdn.url("/a"), null));

        assertTrue(failed.message().startsWith("a redirect loop: "), failed.message());
        assertEquals(1, cdn.requestCount("/a"));
        assertEquals(1, cdn.requestCount("/b"));
    }

    @Test
    void twentyRedirectsAreFollowed() throws Exception {
        chain(20);

        assertEquals(new Outcome.Done(1_000), download(cdn.url("/r0"), null));
        assertEquals(1, cdn.requestCount("/file"));
    }

    @Test
    void aTwentyFirstRedirectFailsAtOnceInWords() {
        chain(21);

        Outcome.Failed failed = failedAtOnce(download(cdn.url("/r0"), null));

        assertTrue(failed.message().startsWith("more than 20 redirects"), failed.message());
        assertEquals(0, cdn.requestCount("/file"));
    }

    /** /r0 -> /r1 -> ... -> /r{n-1} -> /file: n redirects. */
    private void chain(int n) {
        for (int i = 0; i < n; i++) {
            cdn.add("/r" + i, new byte[0]).status(302).header("Location", i == n - 1 ? "/file" : "/r" + (i + 1));
        }
        cdn.add("/file", 1_000);
    }

    @Test
    void aRedirectToAnotherSchemeFailsAtOnceInWords() {
        cdn.add("/ftp", new byte[0]).status(302).header("Location", "ftp://127.0.0.1/pub/file");

        Outcome.Failed failed = failedAtOnce(download(cdn.url("/ftp"), null));

        assertEquals("the server redirected to a ftp: URL, which is not followed (only http and https are)", failed.message());
    }

    @Test
    void aRedirectWithoutLocationIsTheAnswer() {
        cdn.add("/nowhere", new byte[0]).status(302);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, download(cdn.url("/nowhere"), null));

        assertEquals(FailureKind.BAD_STATUS, failed.kind());
        assertEquals(302, failed.httpStatus());
    }

    // ---- methods and ranges across redirects ------------------------------------------------

    @Test
    void aResumedBodyFollowsTheRedirectAgainWithItsRange() throws Exception {
        Resource blob = cdn.add("/blob", 300_000);
        byte[] content = blob.body();
        origin.redirectTo(cdn.url("/blob"), 302);
        int have = 120_000;
        Files.write(body, java.util.Arrays.copyOf(content, have));
        ResponseHead stored = new ResponseHead(200, "OK", Map.of("accept-ranges", "bytes"), content.length,
                blob.currentEtag(), null, true);

        Outcome outcome = new RecordDownload(http, Downloads.SETTINGS, Downloads.get(origin.url("/asset"), body,
                Duration.ofSeconds(10), null, null), stored, List.of(new Segment(0, 0, content.length, have)), listener,
                RateLimiter.unlimited(), new Cancellation()).run();

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(body));
        assertEquals(1, origin.requests().size(), "the resume asked the record's own URL first");
        assertTrue(origin.requests().get(0).get("range").startsWith("bytes=" + have + "-"));
        RequestLog atCdn = cdn.requests("/blob").get(0);
        assertTrue(atCdn.header("range").startsWith("bytes=" + have + "-"), atCdn.toString());
        assertEquals(blob.currentEtag(), atCdn.header("if-range"));
        assertEquals(0, listener.restarts.size());
    }

    @Test
    void parallelConnectionsEachFollowTheRedirect() throws Exception {
        byte[] content = cdn.add("/blob", 3 << 20).body();
        origin.redirectTo(cdn.url("/blob"), 302);

        Outcome outcome = Downloads.run(http, new DownloadRequest(origin.url("/asset"), "GET", List.of(), null, null, 3,
                Duration.ofSeconds(10), body, 0, null, null), listener);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(body));
        int splits = listener.splits.size(); // a connection that finished may take over part of another's range
        assertEquals(3 + splits, origin.requests().size(), "each connection, and each takeover, asks the origin first");
        assertEquals(2 + splits, cdn.requests("/blob").stream().filter(r -> r.header("range") != null).count());
    }

    @Test
    void aPostAnswered303ContinuesAsAGetWithoutTheBody() throws Exception {
        Path upload = Files.writeString(tmp.resolve("upload"), "form=data");
        cdn.add("/submit", new byte[0]).status(303).header("Location", "/result");
        byte[] content = cdn.add("/result", 2_000).body();

        Outcome outcome = Downloads.run(http, new DownloadRequest(cdn.url("/submit"), "POST", List.of(), upload, null, 1,
                Duration.ofSeconds(10), body, 0, null, null), listener);

        assertEquals(new Outcome.Done(content.length), outcome);
        assertEquals("POST", cdn.requests("/submit").get(0).method());
        assertEquals("form=data", new String(cdn.requests("/submit").get(0).body(), StandardCharsets.UTF_8));
        RequestLog result = cdn.requests("/result").get(0);
        assertEquals("GET", result.method());
        assertEquals(0, result.body().length);
    }

    @Test
    void aPutAnswered307IsRepeatedWithItsBody() throws Exception {
        Path upload = Files.writeString(tmp.resolve("upload"), "payload");
        cdn.add("/put", new byte[0]).status(307).header("Location", "/there");
        cdn.add("/there", 10);

        Outcome outcome = Downloads.run(http, new DownloadRequest(cdn.url("/put"), "PUT", List.of(), upload, null, 1,
                Duration.ofSeconds(10), body, 0, null, null), listener);

        assertEquals(new Outcome.Done(10), outcome);
        RequestLog there = cdn.requests("/there").get(0);
        assertEquals("PUT", there.method());
        assertEquals("payload", new String(there.body(), StandardCharsets.UTF_8));
    }
}
