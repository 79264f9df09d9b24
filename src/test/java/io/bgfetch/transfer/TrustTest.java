package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.protocol.NetworkOptions;
import io.bgfetch.testing.SelfSignedCertificate;
import io.bgfetch.testing.TlsServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS certificates are verified against the system's CAs plus {@code --cacert}; one that cannot
 * be verified fails the record at once (never waits out the retry window); {@code -k} skips
 * the check. The server's certificate is generated for the test run.
 */
@Timeout(60)
class TrustTest {
    private static final byte[] CONTENT = "served over TLS\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path certs;
    private static SelfSignedCertificate cert;
    private static TlsServer server;

    @TempDir
    Path tmp;

    private final HttpTransport http = new HttpTransport(Downloads.SETTINGS, "test");
    private final Recorder listener = new Recorder();

    @BeforeAll
    static void startServer() throws Exception {
        cert = SelfSignedCertificate.generate(certs.resolve("good"), "dns:localhost", "ip:127.0.0.1");
        server = TlsServer.start(cert).add("/file", CONTENT);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void closeTransport() throws Exception {
        http.close();
    }

    /** With an hour to retry in: only a failure that does not wait ends it in time. */
    private Outcome download(String url, NetworkOptions network) {
        return Downloads.run(http, Downloads.get(url, tmp.resolve("body"), Duration.ofHours(1), network, null), listener);
    }

    private static Outcome.Failed failedAtOnce(Outcome outcome, Recorder listener) {
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.FETCH_ERROR, failed.kind(), failed.message());
        assertEquals(0, listener.waits.get(), "not retried");
        return failed;
    }

    @Test
    void anUntrustedCertificateFailsAtOnceInWords() {
        Outcome.Failed failed = failedAtOnce(download(server.url("127.0.0.1", "/file"), NetworkOptions.DIRECT), listener);

        assertTrue(failed.message().startsWith("the server's TLS certificate is not trusted ("), failed.message());
        assertEquals(0, server.requests().size(), "no request was sent");
    }

    @Test
    void theCaCertFileMakesItTrusted() throws Exception {
        Outcome outcome = download(server.url("127.0.0.1", "/file"), new NetworkOptions(null, null, null,
                cert.pem().toString(), false));

        assertEquals(new Outcome.Done(CONTENT.length), outcome);
        assertArrayEquals(CONTENT, Files.readAllBytes(tmp.resolve("body")));
    }

    @Test
    void theCaCertFileVerifiesTheHostNameToo() throws Exception {
        Outcome outcome = download(server.url("localhost", "/file"), new NetworkOptions(null, null, null,
                cert.pem().toString(), false));

        assertEquals(new Outcome.Done(CONTENT.length), outcome);
    }

    @Test
    void insecureTrustsAnyCertificate() throws Exception {
        Outcome outcome = download(server.url("127.0.0.1", "/file"), new NetworkOptions(null, null, null, null, true));

        assertEquals(new Outcome.Done(CONTENT.length), outcome);
        assertArrayEquals(CONTENT, Files.readAllBytes(tmp.resolve("body")));
    }

    @Test
    void aCertificateForAnotherHostFailsAtOnceUnlessInsecure() throws Exception {
        SelfSignedCertificate other = SelfSignedCertificate.generate(tmp.resolve("other"), "dns:other.test");
        try (TlsServer wrongName = TlsServer.start(other).add("/file", CONTENT)) {
            NetworkOptions trusted = new NetworkOptions(null, null, null, other.pem().toString(), false);
            Outcome.Failed failed = failedAtOnce(download(wrongName.url("127.0.0.1", "/file"), trusted), listener);
            assertTrue(failed.message().contains("TLS certificate"), failed.message());
            assertTrue(failed.message().contains("127.0.0.1"), failed.message());

            Outcome insecure = download(wrongName.url("127.0.0.1", "/file"), new NetworkOptions(null, null, null, null, true));
            assertEquals(new Outcome.Done(CONTENT.length), insecure);
        }
    }

    @Test
    void aMissingCaCertFileFailsAtOnceInWords() {
        Path missing = tmp.resolve("missing.pem");
        Outcome.Failed failed = failedAtOnce(download(server.url("127.0.0.1", "/file"),
                new NetworkOptions(null, null, null, missing.toString(), false)), listener);

        assertTrue(failed.message().startsWith("cannot read the CA certificates in " + missing), failed.message());
    }

    @Test
    void aCaCertFileWithoutCertificatesFailsAtOnceInWords() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty.pem"), "not a certificate\n");
        Outcome.Failed failed = failedAtOnce(download(server.url("127.0.0.1", "/file"),
                new NetworkOptions(null, null, null, empty.toString(), false)), listener);

        assertEquals("no PEM certificate in " + empty, failed.message());
    }

    @Test
    void aCaCertFileWhoseCertificateIsDamagedFailsAtOnceInWords() throws Exception {
        // a block is there, so it is parsed only when the first https connection needs it
        Path damaged = Files.writeString(tmp.resolve("damaged.pem"),
                "-----BEGIN CERTIFICATE-----\nbm90IERFUg==\n-----END CERTIFICATE-----\n");
        Outcome.Failed failed = failedAtOnce(download(server.url("127.0.0.1", "/file"),
                new NetworkOptions(null, null, null, damaged.toString(), false)), listener);

        assertTrue(failed.message().contains("the CA certificates in " + damaged + " cannot be read"), failed.message());
    }

    @Test
    void aPemBundleWithCommentsAndSeveralCertificatesIsRead() throws Exception {
        SelfSignedCertificate other = SelfSignedCertificate.generate(tmp.resolve("other"), "dns:other.test");
        Path bundle = tmp.resolve("bundle.pem");
        Files.writeString(bundle, "# a comment, as in ca-certificates.crt\n" + Files.readString(other.pem())
                + "\nsome text between\n" + Files.readString(cert.pem()));

        Outcome outcome = download(server.url("127.0.0.1", "/file"), new NetworkOptions(null, null, null,
                bundle.toString(), false));

        assertEquals(new Outcome.Done(CONTENT.length), outcome);
    }
}
