package io.bgfetch.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What a {@link TestServer} serves at one path, and how it misbehaves. Setters return
 * {@code this}; every method is thread-safe and takes effect for the next request (a
 * throttle change also for responses in progress).
 */
public final class Resource {

    /** HTTP-date (IMF-fixdate), always two-digit days, always GMT. */
    static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private static final Instant DEFAULT_LAST_MODIFIED = Instant.parse("2024-03-01T12:00:00Z");

    /** An immutable snapshot of the content and its validators, swapped atomically. */
    record Content(byte[] body, String sha256, String etag, String lastModified) {}

    private final String path;
    private volatile Content content;
    private int version;                 // how many times the body was replaced
    private Instant lastModifiedInstant = DEFAULT_LAST_MODIFIED;
    private boolean validators = true;
    private boolean ranges = true;
    private volatile long bytesPerSecond;   // 0 = unthrottled
    private int status;                      // 0 = normal
    private final Map<String, String> extraHeaders = new LinkedHashMap<>();
    private final ArrayDeque<Fault> faults = new ArrayDeque<>();

    Resource(String path, byte[] body) {
        this.path = path;
        this.content = contentFor(body.clone(), HTTP_DATE.format(lastModifiedInstant));
    }

    /** Deterministic pseudo-random bytes, the same for the same seed text and size. */
    static byte[] generate(String seed, int size) {
        byte[] hash = sha256Bytes(seed.getBytes(StandardCharsets.UTF_8));
        long s = 0;
        for (int i = 0; i < 8; i++) {
            s = (s << 8) | (hash[i] & 0xff);
        }
        byte[] out = new byte[size];
        new Random(s).nextBytes(out);
        return out;
    }

    private static Content contentFor(byte[] body, String lastModified) {
        String sha = HexFormat.of().formatHex(sha256Bytes(body));
        return new Content(body, sha, "\"" + sha.substring(0, 16) + "\"", lastModified);
    }

    static byte[] sha256Bytes(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The path this resource was added at. */
    public String path() {
        return path;
    }

    /** The current body (a copy). */
    public byte[] body() {
        return content.body().clone();
    }

    /** Lowercase hex SHA-256 of the current body. */
    public String sha256() {
        return content.sha256();
    }

    /** The current body's length. */
    public int size() {
        return content.body().length;
    }

    /** The ETag currently sent (even when {@link #noValidators()} suppresses it). */
    public String currentEtag() {
        return content.etag();
    }

    /** The Last-Modified date currently sent (even when suppressed). */
    public String currentLastModified() {
        return content.lastModified();
    }

    /** Use this strong ETag (with its quotes, e.g. {@code "\"v1\""}) until the body is replaced. */
    public synchronized Resource etag(String strongEtag) {
        Content c = content;
        content = new Content(c.body(), c.sha256(), strongEtag, c.lastModified());
        validators = true;
        return this;
    }

    /** Use this Last-Modified HTTP-date until the body is replaced. */
    public synchronized Resource lastModified(String httpDate) {
        Content c = content;
        content = new Content(c.body(), c.sha256(), c.etag(), httpDate);
        try {
            lastModifiedInstant = ZonedDateTime.parse(httpDate, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException ignored) {
            // keep the previous instant as the base for later replacements
        }
        validators = true;
        return this;
    }

    /** Send neither ETag nor Last-Modified. */
    public synchronized Resource noValidators() {
        validators = false;
        return this;
    }

    /** Ignore Range: always 200 with the full body, and no Accept-Ranges header. */
    public synchronized Resource noRanges() {
        ranges = false;
        return this;
    }

    /** Send bodies at this rate (bytes per second) for every request; 0 removes the limit. */
    public Resource throttle(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("negative rate");
        }
        this.bytesPerSecond = bytesPerSecond;
        return this;
    }

    /** Always answer this status with a small body; 0 restores normal answers. */
    public synchronized Resource status(int code) {
        this.status = code;
        return this;
    }

    /** An extra response header on every response of this resource; it replaces a default
     *  header of the same name (so it can lie, e.g. about Content-Length). */
    public synchronized Resource header(String name, String value) {
        extraHeaders.put(name, value);
        return this;
    }

    /** New content from now on, with a new ETag and a later Last-Modified. */
    public synchronized Resource replaceBody(byte[] newBody) {
        version++;
        lastModifiedInstant = lastModifiedInstant.plus(1, ChronoUnit.HOURS);
        content = contentFor(newBody.clone(), HTTP_DATE.format(lastModifiedInstant));
        return this;
    }

    /** Queue faults for the next requests, one per request, after any already queued. */
    public synchronized Resource faults(Fault... newFaults) {
        faults.addAll(Arrays.asList(newFaults));
        return this;
    }

    /** Faults not yet used. */
    public synchronized int pendingFaults() {
        return faults.size();
    }

    // ---- used by the server ------------------------------------------------------------

    synchronized Fault nextFault() {
        return faults.poll();
    }

    /** Different content of the same size (for {@link Fault#changeEtagBefore()}). */
    synchronized void mutate() {
        int size = content.body().length;
        byte[] next = generate(path + "#v" + (version + 1), size);
        if (size > 0 && Arrays.equals(next, content.body())) {
            next[0] ^= 1;
        }
        replaceBody(next);
    }

    Content content() {
        return content;
    }

    long rate() {
        return bytesPerSecond;
    }

    synchronized boolean validators() {
        return validators;
    }

    synchronized boolean ranges() {
        return ranges;
    }

    synchronized int fixedStatus() {
        return status;
    }

    synchronized Map<String, String> extraHeaders() {
        return new LinkedHashMap<>(extraHeaders);
    }
}
