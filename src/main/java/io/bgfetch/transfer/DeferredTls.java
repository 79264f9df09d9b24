package io.bgfetch.transfer;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * A fetch's TLS, set up by its first {@code https} connection instead of when its HttpClient is
 * built. Setting it up reads the JDK's whole CA store (and a {@code --cacert} file's) into a
 * trust store and loads the TLS classes: 6-7 MiB of a daemon's memory, which a daemon that only
 * fetches {@code http} URLs has no use for. What can be checked without that (that a CA file
 * can be read and holds a certificate block) is checked before, by {@link TlsTrust}.
 */
final class DeferredTls implements TlsSocketStrategy {
    /**
     * Builds the strategy; it may fail as the JDK's TLS set-up does, or with an
     * IllegalArgumentException in words (a CA file that cannot be used). Either fails the fetch
     * without retries ({@link Failures}: a ClientProtocolException).
     */
    interface Setup {
        TlsSocketStrategy create() throws GeneralSecurityException;
    }

    private final Setup setup;
    private volatile TlsSocketStrategy tls;

    DeferredTls(Setup setup) {
        this.setup = setup;
    }

    @Override
    public SSLSocket upgrade(Socket socket, String target, int port, Object attachment, HttpContext context)
            throws IOException {
        return strategy().upgrade(socket, target, port, attachment, context);
    }

    private TlsSocketStrategy strategy() throws ClientProtocolException {
        TlsSocketStrategy t = tls;
        if (t == null) {
            synchronized (this) {
                t = tls;
                if (t == null) {
                    try {
                        t = setup.create();
                    } catch (IllegalArgumentException unusable) { // a CA file that went bad: no retry mends it
                        throw new ClientProtocolException(unusable.getMessage(), unusable);
                    } catch (GeneralSecurityException e) {
                        throw new ClientProtocolException("cannot set up TLS: " + e.getMessage(), e);
                    }
                    tls = t;
                }
            }
        }
        return t;
    }
}
