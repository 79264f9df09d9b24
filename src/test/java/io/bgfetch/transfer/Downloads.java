package io.bgfetch.transfer;

import io.bgfetch.protocol.NetworkOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Runs one record's download the way the daemon does, for the transfer tests with real servers. */
final class Downloads {
    /** Short waits so retries show quickly; a 5 s stall timeout. */
    static final TransferSettings SETTINGS = new TransferSettings(Duration.ofMillis(1), Duration.ofMillis(5),
            Duration.ofSeconds(5), Duration.ofSeconds(2), 64 << 10, 8 << 10);

    private Downloads() {
    }

    static DownloadRequest get(String url, Path bodyFile, Duration retryFor, NetworkOptions network,
                               String credentials, String... headers) {
        return new DownloadRequest(url, "GET", List.of(headers), null, null, 1, retryFor, bodyFile, 0, network,
                credentials);
    }

    static Outcome run(HttpTransport http, DownloadRequest request, RecordDownloadTest.Recorder listener) {
        return new RecordDownload(http, SETTINGS, request, null, List.of(), listener, RateLimiter.unlimited(),
                new Cancellation()).run();
    }
}
