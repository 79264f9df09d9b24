package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.TruncatedChunkException;
import org.junit.jupiter.api.Test;

/** Which network errors may heal (retried) and which cannot (the record fails at once). */
class FailuresTest {

    private static TransferFailure.Permanent permanent(IOException e) {
        TransferFailure.Permanent p = assertInstanceOf(TransferFailure.Permanent.class, Failures.network(e));
        assertEquals(FailureKind.FETCH_ERROR, p.kind());
        return p;
    }

    private static void isTransient(IOException e) {
        assertInstanceOf(TransferFailure.Transient.class, Failures.network(e), e.toString());
    }

    private static SSLHandshakeException handshake(String message, Throwable cause) {
        SSLHandshakeException e = new SSLHandshakeException(message);
        e.initCause(cause);
        return e;
    }

    @Test
    void connectionTroubleIsTransient() {
        isTransient(new ConnectException("Connection refused"));
        isTransient(new SocketException("Connection reset"));
        isTransient(new SocketTimeoutException("Read timed out"));
        isTransient(new UnknownHostException("example.invalid"));
        isTransient(new NoHttpResponseException("127.0.0.1:80 failed to respond"));
        isTransient(new ConnectionClosedException("Premature end of Content-Length delimited message body"));
        isTransient(new TruncatedChunkException("Truncated chunk (expected size: 256; actual size: 5)"));
    }

    @Test
    void aHandshakeCutShortIsTransient() {
        isTransient(handshake("Remote host terminated the handshake", new EOFException("SSL peer shut down incorrectly")));
    }

    @Test
    void anUntrustedChainFailsAtOnce() {
        var e = handshake("PKIX path validation failed", new CertificateException("chain",
                new CertPathValidatorException("signature check failed")));
        assertTrue(permanent(e).getMessage().startsWith("the server's TLS certificate is not trusted (signature check failed)"),
                permanent(e).getMessage());
    }

    @Test
    void anExpiredCertificateSaysSo() {
        var e = handshake("PKIX path validation failed", new CertPathValidatorException("validity check failed",
                new CertificateExpiredException("NotAfter: Mon Jan 01 00:00:00 UTC 2024")));
        assertTrue(permanent(e).getMessage().contains("it has expired: NotAfter"), permanent(e).getMessage());
    }

    @Test
    void aHostNameMismatchFailsAtOnce() {
        String message = permanent(new SSLPeerUnverifiedException("Certificate for <a.test> doesn't match")).getMessage();
        assertTrue(message.startsWith("the server's TLS certificate does not match the host name"), message);
    }

    @Test
    void aRefusedHandshakeFailsAtOnce() {
        String message = permanent(new SSLHandshakeException("Received fatal alert: protocol_version")).getMessage();
        assertEquals("the TLS handshake failed: Received fatal alert: protocol_version", message);
    }

    @Test
    void malformedResponsesFailAtOnce() {
        assertEquals("the server sent a malformed response (Invalid header: x)",
                permanent(new ClientProtocolException(new ProtocolException("Invalid header: x"))).getMessage());
        assertEquals("the server sent a malformed response (Maximum line length limit exceeded)",
                permanent(new MessageConstraintException("Maximum line length limit exceeded")).getMessage());
        assertEquals("the server sent a malformed response (Bad chunk header: zz)",
                permanent(new MalformedChunkCodingException("Bad chunk header: zz")).getMessage());
    }

    @Test
    void messagesQuotingTheServerAreCleanedAndBounded() {
        String message = permanent(new MalformedChunkCodingException("Bad chunk header: \u001b[2J\u009b"
                + "x".repeat(10_000))).getMessage();
        assertTrue(message.startsWith("the server sent a malformed response (Bad chunk header: xxx"), message);
        assertTrue(message.length() <= ServerText.MAX_MESSAGE_CHARS, "length " + message.length());
        assertTrue(message.chars().noneMatch(Character::isISOControl));
    }
}
