package io.bgfetch.transfer;

import io.bgfetch.protocol.NetworkOptions;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * The daemon's HTTP side (Apache HttpClient 5, classic blocking API: one thread per
 * connection keeps the byte path simple and fast). Built once per daemon; each fetch's
 * {@link NetworkOptions} (proxies, trust) pick one of a few cached clients.
 *
 * <p>Redirects are followed here, not by HttpClient, because each hop decides what it may
 * carry: the user's credentials ({@code -u} as Basic, and the {@code Authorization},
 * {@code Cookie} and {@code Proxy-Authorization} headers) go only to the origin of the URL
 * they were given for, as curl does, so an authenticated download that redirects to a storage
 * CDN works without handing the CDN the credential. Every request starts at the record's own
 * URL and follows the redirects again: a ranged resume reaches the same final URL (or a fresh
 * signed one) with its Range and If-Range.
 */
public final class HttpTransport implements Closeable {
    /** Header names that carry credentials: sent only to the request URL's origin. */
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "cookie", "proxy-authorization");
    /** A redirect's body up to this size is read so its connection can be reused; a larger one is dropped. */
    private static final long DRAIN_LIMIT = 16 << 10;

    private final NetworkClients clients;

    public HttpTransport(TransferSettings settings, String version) {
        ClientFactory factory = new ClientFactory(settings, "bgfetch/" + version);
        this.clients = new NetworkClients(factory::build);
    }

    /**
     * Sends the request (following redirects) and returns the open final response; the caller
     * must close it. Network failures are {@link TransferFailure.Transient} unless they cannot
     * heal (see {@link Failures#network}); a bad redirect and unusable network options fail at once.
     *
     * @param range          the Range header value, or null
     * @param ifRange        the If-Range validator, or null
     * @param uploadProgress told the bytes of the request body sent, when the request has one
     */
    OpenExchange open(DownloadRequest req, String range, String ifRange, LongConsumer uploadProgress,
                      Cancellation cancel) throws TransferFailure {
        return open(req, range, ifRange, null, uploadProgress, cancel);
    }

    /**
     * Like {@link #open(DownloadRequest, String, String, LongConsumer, Cancellation)}, sent with
     * the stored body's validators ({@code --if-changed}) when {@code validators} is not null.
     */
    OpenExchange open(DownloadRequest req, String range, String ifRange, Validators validators,
                      LongConsumer uploadProgress, Cancellation cancel) throws TransferFailure {
        NetworkClients.Lease lease = lease(req.network());
        boolean handedOver = false;
        try {
            URI uri = URI.create(req.url());
            Redirects redirects = new Redirects(req.method(), uri);
            String method = req.method();
            boolean withBody = req.uploadFile() != null;
            while (true) {
                HttpUriRequestBase request = newRequest(req, method, uri, redirects.sameOriginAsFirst(uri), range, ifRange);
                if (validators != null) {
                    validators.addTo(request);
                }
                if (withBody) {
                    request.setEntity(new CountingFileEntity(req.uploadFile(), uploadProgress));
                }
                ClassicHttpResponse response = execute(lease.client(), request, cancel);
                String nextMethod = Redirects.methodAfter(response.getCode(), method);
                URI next;
                try {
                    next = redirects.next(uri, response, nextMethod);
                } catch (TransferFailure.Permanent badRedirect) {
                    request.cancel();
                    discard(request, response, cancel);
                    throw badRedirect;
                }
                if (next == null) {
                    handedOver = true;
                    return new OpenExchange(lease, request, response, uri, cancel);
                }
                discard(request, response, cancel);
                withBody = withBody && nextMethod.equals(method);
                method = nextMethod;
                uri = next;
            }
        } finally {
            if (!handedOver) {
                lease.close();
            }
        }
    }

    /** A conditional request's validators: the ETag and Last-Modified of the stored body, either may be null. */
    record Validators(String ifNoneMatch, String ifModifiedSince) {
        void addTo(HttpUriRequestBase request) {
            if (ifNoneMatch != null) {
                request.setHeader("If-None-Match", ifNoneMatch);
            }
            if (ifModifiedSince != null) {
                request.setHeader("If-Modified-Since", ifModifiedSince);
            }
        }
    }

    private NetworkClients.Lease lease(NetworkOptions network) throws TransferFailure.Permanent {
        try {
            return clients.lease(network);
        } catch (IllegalArgumentException unusable) {
            throw new TransferFailure.Permanent(FailureKind.FETCH_ERROR, unusable.getMessage(), 0, unusable);
        }
    }

    /** One hop's request: the user's headers (credentials only to their origin), then Range. */
    private static HttpUriRequestBase newRequest(DownloadRequest req, String method, URI uri, boolean sameOrigin,
                                                 String range, String ifRange) {
        HttpUriRequestBase request = new HttpUriRequestBase(method, uri);
        boolean userAuthorization = false;
        for (String line : req.headers()) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim();
            if (CREDENTIAL_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                if (!sameOrigin) {
                    continue;
                }
                userAuthorization |= name.equalsIgnoreCase("Authorization");
            }
            request.addHeader(name, line.substring(colon + 1).trim());
        }
        // As curl: -u sends Basic at once (no challenge round trip); an explicit -H Authorization wins.
        if (sameOrigin && req.credentials() != null && !userAuthorization) {
            request.addHeader("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(req.credentials().getBytes(StandardCharsets.UTF_8)));
        }
        if (range != null) {
            request.setHeader("Range", range);
            if (ifRange != null) {
                request.setHeader("If-Range", ifRange);
            }
        }
        return request;
    }

    private static ClassicHttpResponse execute(CloseableHttpClient client, HttpUriRequestBase request,
                                               Cancellation cancel) throws TransferFailure {
        cancel.track(request);
        try {
            return client.executeOpen(null, request, null);
        } catch (IOException e) {
            cancel.untrack(request);
            cancel.throwIfCancelled();
            throw Failures.network(e);
        } catch (IllegalStateException e) {
            // An exchange aborted while HttpClient sets it up (its endpoint released under it) is
            // reported this way at some steps: a stop, not an internal error that fails the fetch.
            cancel.untrack(request);
            if (!request.isCancelled()) {
                throw e;
            }
            cancel.throwIfCancelled();
            throw Failures.network(new IOException("the request was aborted", e));
        }
    }

    /** Ends a redirect's exchange: a small body is read so the connection can serve the next hop. */
    private static void discard(HttpUriRequestBase request, ClassicHttpResponse response, Cancellation cancel) {
        HttpEntity entity = response.getEntity();
        if (entity != null && !request.isCancelled()) {
            long length = entity.getContentLength();
            if (length >= 0 && length <= DRAIN_LIMIT) {
                try {
                    EntityUtils.consume(entity);
                } catch (IOException e) {
                    request.cancel();
                }
            } else {
                request.cancel();
            }
        }
        cancel.untrack(request);
        try {
            response.close();
        } catch (IOException ignored) {
            // the connection is discarded either way
        }
    }

    /**
     * The head as stored and shown: header values and the reason phrase without control
     * characters. The validators stay exactly as sent, since If-Range must repeat them.
     */
    static ResponseHead headOf(ClassicHttpResponse response) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : response.getHeaders()) {
            headers.merge(ServerText.clean(h.getName()).toLowerCase(Locale.ROOT), ServerText.clean(h.getValue()),
                    (a, b) -> a + ", " + b);
        }
        long size = -1;
        String length = headers.get("content-length");
        if (length != null) {
            try {
                size = Long.parseLong(length.trim());
            } catch (NumberFormatException ignored) {
                // treated as unknown length
            }
        }
        String reason = ServerText.clean(response.getReasonPhrase());
        return new ResponseHead(response.getCode(), reason, headers, size, raw(response, "ETag"),
                raw(response, "Last-Modified"), "bytes".equalsIgnoreCase(String.valueOf(headers.get("accept-ranges")).trim()));
    }

    private static String raw(ClassicHttpResponse response, String name) {
        Header h = response.getFirstHeader(name);
        return h == null ? null : h.getValue();
    }

    /**
     * Classifies a response outside 2xx: 408, 429 and 5xx gateway/availability errors are
     * transient (with Retry-After), everything else is final. A 407 comes from a proxy (for
     * HTTPS, HttpClient hands back the proxy's answer to CONNECT): its credentials are missing
     * or wrong, which is a network set-up error rather than the server's status.
     */
    static TransferFailure statusFailure(ClassicHttpResponse response) {
        int code = response.getCode();
        String what = "HTTP " + code + (response.getReasonPhrase() == null ? "" : " " + response.getReasonPhrase());
        if (code == 407) {
            return new TransferFailure.Permanent(FailureKind.FETCH_ERROR, "the proxy refused the request for want of"
                    + " credentials (" + what + "); give them in the proxy URL (http://user:password@host:port)", code, null);
        }
        if (code == 408 || code == 429 || code == 500 || code == 502 || code == 503 || code == 504) {
            Header retryAfter = response.getFirstHeader("Retry-After");
            return new TransferFailure.Transient(what, code,
                    RetryPolicy.parseRetryAfter(retryAfter == null ? null : retryAfter.getValue()), null);
        }
        return new TransferFailure.Permanent(FailureKind.BAD_STATUS, what, code, null);
    }

    @Override
    public void close() throws IOException { // declared: the daemon's shutdown code catches it
        clients.close();
    }

    /** A file request body that counts what was sent; repeatable, so a retry sends it again from the start. */
    private static final class CountingFileEntity extends AbstractHttpEntity {
        private final Path file;
        private final LongConsumer progress;

        CountingFileEntity(Path file, LongConsumer progress) {
            super(ContentType.APPLICATION_OCTET_STREAM, null);
            this.file = file;
            this.progress = progress;
        }

        @Override
        public boolean isRepeatable() {
            return true;
        }

        @Override
        public long getContentLength() {
            try {
                return Files.size(file);
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public InputStream getContent() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            byte[] buffer = new byte[64 << 10];
            long sent = 0;
            progress.accept(0);
            try (InputStream in = Files.newInputStream(file)) {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    out.write(buffer, 0, n);
                    sent += n;
                    progress.accept(sent);
                }
            }
        }

        @Override
        public boolean isStreaming() {
            return false;
        }

        @Override
        public void close() {
            // nothing held open between writes
        }
    }

}
