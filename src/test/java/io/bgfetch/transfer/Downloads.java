package io.bgfetch.transfer;

import io.bgfetch.protocol.NetworkOptions;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

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

    static Outcome run(HttpTransport http, DownloadRequest request, Recorder listener) {
        return run(http, request, null, List.of(), listener, new Cancellation());
    }

    /** A download that resumes from a stored head and plan (null and empty: a first download). */
    static Outcome run(HttpTransport http, DownloadRequest request, ResponseHead storedHead, List<Segment> storedPlan,
                       Recorder listener, Cancellation cancel) {
        return new RecordDownload(http, SETTINGS, request, storedHead, storedPlan, listener, RateLimiter.unlimited(),
                cancel).run();
    }

    /** {@code n} bytes that differ from test to test but not from run to run. */
    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
