package io.bgfetch.transfer;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * When to try a failing body again: exponential backoff with jitter, capped, honouring the
 * server's Retry-After, for as long as the fetch's retry window allows. The window counts from
 * the first failure since the body last made progress, so a long download over a flaky link
 * is not failed merely for being long. The window's start is handed to {@code windowChanged}
 * whenever it opens or closes, so that it can be stored and counted across daemon restarts.
 */
final class RetryPolicy {
    private final Duration base;
    private final Duration max;
    private final Duration retryFor;
    private final Consumer<Instant> windowChanged;
    private Instant failingSince;
    private int failures;

    RetryPolicy(TransferSettings settings, Duration retryFor) {
        this(settings, retryFor, null, since -> { });
    }

    /**
     * @param failingSince  the start of a window already open (stored at an earlier stop), or null
     * @param windowChanged told the window's new start, or null when it closes
     */
    RetryPolicy(TransferSettings settings, Duration retryFor, Instant failingSince, Consumer<Instant> windowChanged) {
        this.base = settings.backoffBase();
        this.max = settings.backoffMax();
        this.retryFor = retryFor;
        this.failingSince = failingSince;
        this.windowChanged = windowChanged;
    }

    /** The body moved forward (or a new source took over): the next failure starts a fresh window and a short delay. */
    void progressed() {
        failures = 0;
        if (failingSince != null) {
            failingSince = null;
            windowChanged.accept(null);
        }
    }

    /**
     * The delay before the next attempt, or empty when the retry window is used up.
     *
     * @param retryAfter the server's Retry-After, or null
     */
    Optional<Duration> nextDelay(Duration retryAfter) {
        Instant now = Instant.now();
        if (failingSince == null) {
            failingSince = now;
            windowChanged.accept(now);
        }
        Duration left = retryFor.minus(Duration.between(failingSince, now));
        if (left.isNegative() || left.isZero()) {
            return Optional.empty();
        }
        Duration delay = retryAfter != null ? retryAfter : backoff(failures);
        failures++;
        // One last attempt at the end of the window rather than giving up early.
        return Optional.of(delay.compareTo(left) > 0 ? left : delay);
    }

    /** base * 2^n capped at max, then "equal jitter": half fixed, half random. */
    private Duration backoff(int n) {
        long capped = Math.min(max.toMillis(), base.toMillis() << Math.min(n, 30));
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    /** Parses Retry-After: delta-seconds or an HTTP-date; null when absent or unreadable. */
    static Duration parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(Instant.now(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
