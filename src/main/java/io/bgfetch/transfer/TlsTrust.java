package io.bgfetch.transfer;

import io.bgfetch.protocol.NetworkOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;

/**
 * Which TLS certificates a fetch trusts: the JDK's CA certificates (on Debian and most
 * distributions, the system's), plus those of {@code --cacert}, or none at all with
 * {@code -k}. Host names are verified unless {@code -k}.
 */
final class TlsTrust {
    private TlsTrust() {
    }

    /**
     * The TLS strategy for a fetch's options, set up by its first {@code https} connection
     * ({@link DeferredTls}). A {@code --cacert} file is read now: one that cannot be used fails
     * the fetch at once, whatever its URLs.
     *
     * @throws IllegalArgumentException with a message in words when the CA file cannot be used
     */
    static TlsSocketStrategy strategy(NetworkOptions network) {
        if (network.insecure()) {
            return new DeferredTls(() -> {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new TrustAll()}, null);
                return new DefaultClientTlsStrategy(context, HostnameVerificationPolicy.CLIENT, NoopHostnameVerifier.INSTANCE);
            });
        }
        if (network.caCertFile() != null) {
            Path file = Path.of(network.caCertFile());
            pemText(file); // parsed when first needed, which a system-wide bundle (SSL_CERT_FILE) is not for http
            return new DeferredTls(() -> {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trustManagers(readPem(file)), null);
                return new DefaultClientTlsStrategy(context);
            });
        }
        return new DeferredTls(DefaultClientTlsStrategy::createDefault);
    }

    /** Trust managers over the default CAs and {@code extra} together. */
    private static TrustManager[] trustManagers(List<X509Certificate> extra) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        int n = 0;
        for (X509Certificate ca : defaultTrust().getAcceptedIssuers()) {
            store.setCertificateEntry("system-" + n++, ca);
        }
        for (X509Certificate ca : extra) {
            store.setCertificateEntry("cacert-" + n++, ca);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static X509TrustManager defaultTrust() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("the JDK has no X.509 trust manager");
    }

    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";

    /**
     * A PEM file's text, if it can be read and holds a certificate block at least.
     *
     * @throws IllegalArgumentException in words when it cannot be read or holds no block
     */
    static String pemText(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the CA certificates in " + file + ": " + Failures.describe(e), e);
        }
        int at = text.indexOf(BEGIN);
        if (at < 0 || text.indexOf(END, at) < 0) {
            throw new IllegalArgumentException("no PEM certificate in " + file);
        }
        return text;
    }

    /** Every {@code BEGIN CERTIFICATE} block of a PEM file; text around the blocks is ignored. */
    static List<X509Certificate> readPem(Path file) {
        String text = pemText(file);
        List<X509Certificate> certs = new ArrayList<>();
        String begin = BEGIN;
        String end = END;
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            int at = text.indexOf(begin);
            while (at >= 0) {
                int stop = text.indexOf(end, at);
                if (stop < 0) {
                    break;
                }
                byte[] der = Base64.getMimeDecoder().decode(text.substring(at + begin.length(), stop));
                certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
                at = text.indexOf(begin, stop);
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the CA certificates in " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("no PEM certificate in " + file);
        }
        return certs;
    }

    /** {@code -k}: every certificate is accepted, as the user asked. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
