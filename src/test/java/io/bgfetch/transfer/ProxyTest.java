package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.protocol.NetworkOptions;
import io.bgfetch.testing.ForwardProxy;
import io.bgfetch.testing.RequestLog;
import io.bgfetch.testing.SelfSignedCertificate;
import io.bgfetch.testing.TestServer;
import io.bgfetch.testing.TlsServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests go through the proxies a fetch names, with CONNECT for HTTPS, except the hosts of
 * its no_proxy list; proxy credentials go to the proxy and nowhere else. The host
 * {@code only-via-proxy.test} exists only in the proxy's map (.test never resolves).
 */
@Timeout(30)
class ProxyTest {
    private static final String HIDDEN = "only-via-proxy.test";

    @TempDir
    Path tmp;

    private TestServer origin;
    private ForwardProxy proxy;
    private final HttpTransport http = new HttpTransport(Downloads.SETTINGS, "test");
    private final Recorder listener = new Recorder();
    private byte[] content;

    @BeforeEach
    void start() throws Exception {
        origin = TestServer.start();
        content = origin.add("/file.bin", 300_000).body();
        proxy = ForwardProxy.start().map(HIDDEN, origin.port());
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        proxy.close();
        origin.close();
    }

    private Outcome download(String url, NetworkOptions network) {
        return Downloads.run(http, Downloads.get(url, tmp.resolve("body"), Duration.ofSeconds(2), network, null), listener);
    }

    private static NetworkOptions httpProxy(String proxyUrl, String noProxy) {
        return new NetworkOptions(proxyUrl, null, noProxy, null, false);
    }

    @Test
    void aHostOnlyTheProxyCanReachIsDownloadedThroughIt() throws Exception {
        Outcome outcome = download("http://" + HIDDEN + ":" + origin.port() + "/file.bin", httpProxy(proxy.url(null), null));

        assertEquals(new Outcome.Done(content.length), outcome);
        assertArrayEquals(content, Files.readAllBytes(tmp.resolve("body")));
        assertEquals(1, proxy.forwarded());
        assertEquals(0, proxy.tunnels());
        assertEquals("http://" + HIDDEN + ":" + origin.port() + "/file.bin", proxy.seen().get(0).target(),
                "absolute-form request to the proxy");
    }

    @Test
    void aNoProxyHostGoesDirect() throws Exception {
        Outcome outcome = download(origin.url("/file.bin"), httpProxy(proxy.url(null), "localhost, 127.0.0.1"));

        assertEquals(new Outcome.Done(content.length), outcome);
        assertEquals(0, proxy.seen().size(), "the proxy saw nothing");
        assertEquals(1, origin.requestCount("/file.bin"));
    }

    @Test
    void noProxyStarMeansEveryHostGoesDirect() throws Exception {
        Outcome outcome = download(origin.url("/file.bin"), httpProxy(proxy.url(null), "*"));

        assertEquals(new Outcome.Done(content.length), outcome);
        assertEquals(0, proxy.seen().size());
    }

    @Test
    void aNoProxyListNotNamingTheHostStillUsesTheProxy() throws Exception {
        Outcome outcome = download(origin.url("/file.bin"), httpProxy(proxy.url(null), "example.com,10.0.0.0/8"));

        assertEquals(new Outcome.Done(content.length), outcome);
        assertEquals(1, proxy.forwarded());
    }

    @Test
    void proxyCredentialsReachTheProxyAndNeverTheOrigin() throws Exception {
        proxy.requireCredentials("proxy user", "p@ss:word");
        // percent-encoded in the URL, as curl reads them
        NetworkOptions network = httpProxy(proxy.url("proxy%20user:p%40ss%3Aword"), null);

        Outcome outcome = download("http://" + HIDDEN + ":" + origin.port() + "/file.bin", network);

        assertEquals(new Outcome.Done(content.length), outcome);
        String expected = "Basic " + Base64.getEncoder().encodeToString("proxy user:p@ss:word".getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, proxy.seen().get(proxy.seen().size() - 1).header("proxy-authorization"));
        for (RequestLog r : origin.allRequests()) {
            assertNull(r.header("proxy-authorization"), "the origin never sees the proxy's credentials");
            assertNull(r.header("authorization"));
        }
    }

    @Test
    void wrongProxyCredentialsFailAtOnce() {
        proxy.requireCredentials("user", "right");
        Outcome outcome = Downloads.run(http, Downloads.get(origin.url("/file.bin"), tmp.resolve("body"),
                Duration.ofHours(1), httpProxy(proxy.url("user:wrong"), null), null), listener);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.FETCH_ERROR, failed.kind());
        assertEquals(407, failed.httpStatus(), failed.message());
        assertEquals(0, listener.waits.get());
        assertEquals(0, origin.allRequests().size());
    }

    @Test
    void httpsGoesThroughTheProxyWithConnectAndItsCredentials() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.generate(tmp.resolve("tls"), "dns:" + HIDDEN);
        byte[] secret = "only through a tunnel".getBytes(StandardCharsets.UTF_8);
        try (TlsServer tls = TlsServer.start(cert).add("/secret", secret)) {
            proxy.map(HIDDEN, tls.port()).requireCredentials("u", "p");
            NetworkOptions network = new NetworkOptions(null, proxy.url("u:p"), null, cert.pem().toString(), false);

            Outcome outcome = download(tls.url(HIDDEN, "/secret"), network);

            assertEquals(new Outcome.Done(secret.length), outcome);
            assertArrayEquals(secret, Files.readAllBytes(tmp.resolve("body")));
            assertEquals(1, proxy.tunnels());
            assertEquals(0, proxy.forwarded());
            assertTrue(proxy.seen().stream().allMatch(s -> s.method().equals("CONNECT")));
            assertEquals(HIDDEN + ":" + tls.port(), proxy.seen().get(0).target());
            assertEquals(1, tls.requests().size());
            assertNull(tls.requests().get(0).get("proxy-authorization"), "the tunnel carries no proxy credentials");
        }
    }

    @Test
    void aTunnelRefusedForWantOfCredentialsFailsAtOnceInWords() {
        proxy.requireCredentials("u", "p");
        Outcome outcome = Downloads.run(http, Downloads.get("https://" + HIDDEN + ":443/x", tmp.resolve("body"),
                Duration.ofHours(1), new NetworkOptions(null, proxy.url(null), null, null, false), null), listener);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.FETCH_ERROR, failed.kind());
        assertTrue(failed.message().startsWith("the proxy refused the request for want of credentials (HTTP 407"),
                failed.message());
        assertEquals(0, listener.waits.get());
    }

    @Test
    void aTunnelTheProxyCannotOpenIsRetried() {
        // the proxy answers 502 for a host it cannot reach: that may heal
        Outcome outcome = Downloads.run(http, Downloads.get("https://unreachable.test/x", tmp.resolve("body"),
                Duration.ofMillis(200), new NetworkOptions(null, proxy.url(null), null, null, false), null), listener);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.BAD_STATUS, failed.kind());
        assertEquals(502, failed.httpStatus());
        assertTrue(listener.waits.get() >= 1, "retried");
    }

    @Test
    void anHttpsProxyDoesNotServeHttpUrls() throws Exception {
        // only https_proxy is set: http:// goes direct
        Outcome outcome = download(origin.url("/file.bin"), new NetworkOptions(null, proxy.url(null), null, null, false));

        assertEquals(new Outcome.Done(content.length), outcome);
        assertEquals(0, proxy.seen().size());
    }

    @Test
    void anUnsupportedProxySchemeFailsAtOnceInWords() {
        Outcome outcome = Downloads.run(http, Downloads.get(origin.url("/file.bin"), tmp.resolve("body"),
                Duration.ofHours(1), httpProxy("socks5://user:secret@127.0.0.1:1080", null), null), listener);

        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.FETCH_ERROR, failed.kind());
        assertTrue(failed.message().contains("socks5://127.0.0.1 is not supported"), failed.message());
        assertTrue(!failed.message().contains("secret"), "no credentials in messages");
        assertEquals(0, origin.allRequests().size());
    }
}
