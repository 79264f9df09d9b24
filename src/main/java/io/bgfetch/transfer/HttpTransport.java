package io.bgfetch.transfer;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * The daemon's one HTTP client (Apache HttpClient 5, classic blocking API: one thread per
 * connection keeps the byte path simple and fast). Bodies are taken exactly as sent: no
 * transparent decompression (it would break lengths and ranges), no cookies, and no automatic
 * retries, which {@link RecordDownload} does itself, resuming instead of restarting.
 */
public final class HttpTransport implements Closeable {
    private final CloseableHttpClient client;
    private final String userAgent;

    public HttpTransport(TransferSettings settings, String version) {
        Timeout stall = Timeout.of(settings.stallTimeout());
        this.userAgent = "bgfetch/" + version;
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(512)
                        .setMaxConnPerRoute(128)
                        .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(stall).build())
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                                .setSocketTimeout(stall)
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(stall)
                        .setConnectionRequestTimeout(Timeout.ofMinutes(10))
                        .setRedirectsEnabled(true)
                        .setMaxRedirects(10)
                        .build())
                .disableContentCompression()
                .disableCookieManagement()
                .disableAutomaticRetries()
                .setUserAgent(userAgent)
                .build();
    }

    /** A request with the user's headers; {@code range} may be null. */
    HttpUriRequestBase newRequest(DownloadRequest req, String range, String ifRange) {
        HttpUriRequestBase request = new HttpUriRequestBase(req.method(), URI.create(req.url()));
        for (String line : req.headers()) {
            int colon = line.indexOf(':');
            request.addHeader(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        if (range != null) {
            request.setHeader("Range", range);
            if (ifRange != null) {
                request.setHeader("If-Range", ifRange);
            }
        }
        return request;
    }

    /** Attaches the upload body, reporting bytes sent through {@code progress}. */
    static void attachUpload(HttpUriRequestBase request, Path file, LongConsumer progress) {
        request.setEntity(new CountingFileEntity(file, progress));
    }

    /**
     * Sends the request and returns the open response; the caller must close it. Network
     * failures become {@link TransferFailure.Transient}.
     */
    ClassicHttpResponse open(HttpUriRequestBase request, Cancellation cancel) throws TransferFailure {
        cancel.track(request);
        try {
            return client.executeOpen(null, request, null);
        } catch (IOException e) {
            cancel.untrack(request);
            cancel.throwIfCancelled();
            throw Failures.network(e);
        }
    }

    /**
     * Ends an exchange. Call only after its body was read to the end or the exchange was
     * aborted ({@code request.cancel()}): closing an unread response would drain it.
     */
    void close(HttpUriRequestBase request, ClassicHttpResponse response, Cancellation cancel) {
        cancel.untrack(request);
        try {
            response.close();
        } catch (IOException ignored) {
            // the connection is discarded either way
        }
    }

    static ResponseHead headOf(ClassicHttpResponse response) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : response.getHeaders()) {
            headers.merge(h.getName().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b);
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
        String reason = response.getReasonPhrase() == null ? "" : response.getReasonPhrase();
        return new ResponseHead(response.getCode(), reason, headers, size, headers.get("etag"),
                headers.get("last-modified"), "bytes".equalsIgnoreCase(String.valueOf(headers.get("accept-ranges")).trim()));
    }

    /**
     * Classifies a response outside 2xx: 408, 429 and 5xx gateway/availability errors are
     * transient (with Retry-After), everything else is final.
     */
    static TransferFailure statusFailure(ClassicHttpResponse response) {
        int code = response.getCode();
        String what = "HTTP " + code + (response.getReasonPhrase() == null ? "" : " " + response.getReasonPhrase());
        if (code == 408 || code == 429 || code == 500 || code == 502 || code == 503 || code == 504) {
            Header retryAfter = response.getFirstHeader("Retry-After");
            return new TransferFailure.Transient(what, code,
                    RetryPolicy.parseRetryAfter(retryAfter == null ? null : retryAfter.getValue()), null);
        }
        return new TransferFailure.Permanent(FailureKind.BAD_STATUS, what, code, null);
    }

    @Override
    public void close() throws IOException {
        client.close();
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
