package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {

    private static TransferSettings backoff(Duration base, Duration max) {
        return new TransferSettings(base, max, Duration.ofSeconds(5), Duration.ofSeconds(5), 1 << 16, 8 << 10);
    }

    // ---- parseRetryAfter ----------------------------------------------------------------

    @Test
    void retryAfterInSeconds() {
        assertEquals(Duration.ofSeconds(120), RetryPolicy.parseRetryAfter("120"));
        assertEquals(Duration.ofSeconds(7), RetryPolicy.parseRetryAfter(" 7 "));
        assertEquals(Duration.ZERO, RetryPolicy.parseRetryAfter("0"));
    }

    @Test
    void retryAfterAsAFutureHttpDate() {
        String inAnHour = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusHours(1));
        Duration d = RetryPolicy.parseRetryAfter(inAnHour);
        assertTrue(d.compareTo(Duration.ofMinutes(58)) > 0 && d.compareTo(Duration.ofMinutes(61)) < 0, d.toString());
    }

    @Test
    void retryAfterAsAPastHttpDateIsZero() {
        assertEquals(Duration.ZERO, RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "soon", "-5", "1.5", "12s", "Sunday, 06-Nov-94 08:49:37 GMT!", "tomorrow"})
    void unreadableRetryAfterIsNull(String value) {
        assertNull(RetryPolicy.parseRetryAfter(value));
    }

    @Test
    void absentRetryAfterIsNull() {
        assertNull(RetryPolicy.parseRetryAfter(null));
    }

    // ---- nextDelay ------------------------------------------------------------------------

    @Test
    void retryAfterIsHonoured() {
        RetryPolicy p = new RetryPolicy(backoff(Duration.ofMillis(100), Duration.ofSeconds(1)), Duration.ofHours(1));
        assertEquals(Optional.of(Duration.ofSeconds(30)), p.nextDelay(Duration.ofSeconds(30)));
        // even beyond the backoff cap: the server knows best
        assertEquals(Optional.of(Duration.ofMinutes(5)), p.nextDelay(Duration.ofMinutes(5)));
    }

    @Test
    void aRetryAfterBeyondTheWindowIsCutToTheWindow() {
        RetryPolicy p = new RetryPolicy(backoff(Duration.ofMillis(100), Duration.ofSeconds(1)), Duration.ofSeconds(10));
        Duration d = p.nextDelay(Duration.ofHours(1)).orElseThrow();
        assertTrue(d.compareTo(Duration.ofSeconds(10)) <= 0 && d.compareTo(Duration.ofSeconds(9)) > 0, d.toString());
    }

    @Test
    void backoffGrowsWithJitterAndIsCappedAtMax() {
        // base 100 ms, max 1 s: attempts n = 0.. are capped at min(1000, 100 * 2^n), then jittered into [d/2, d]
        long[] caps = {100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000,
                1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000,
                1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000};
        for (int trial = 0; trial < 200; trial++) {
            RetryPolicy p = new RetryPolicy(backoff(Duration.ofMillis(100), Duration.ofSeconds(1)), Duration.ofHours(1));
            for (int n = 0; n < caps.length; n++) {
                long d = p.nextDelay(null).orElseThrow().toMillis();
                assertTrue(d >= caps[n] / 2 && d <= caps[n],
                        "attempt " + n + ": " + d + " ms not in [" + caps[n] / 2 + ", " + caps[n] + "]");
            }
        }
    }

    @Test
    void jitterActuallyVaries() {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 200; i++) {
            RetryPolicy p = new RetryPolicy(backoff(Duration.ofSeconds(10), Duration.ofSeconds(10)), Duration.ofHours(1));
            long d = p.nextDelay(null).orElseThrow().toMillis();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertTrue(min >= 5000 && max <= 10000, min + ".." + max);
        assertTrue(max - min > 100, "200 jittered delays over a 5 s spread should not all be equal: " + min + ".." + max);
    }

    @Test
    void aHugeNumberOfFailuresDoesNotOverflowTheBackoff() {
        RetryPolicy p = new RetryPolicy(backoff(Duration.ofSeconds(1), Duration.ofMinutes(5)), Duration.ofDays(3650));
        for (int n = 0; n < 100; n++) {
            long d = p.nextDelay(null).orElseThrow().toMillis();
            assertTrue(d >= 0 && d <= 300_000, "attempt " + n + ": " + d);
        }
        long last = p.nextDelay(null).orElseThrow().toMillis();
        assertTrue(last >= 150_000, "stays at the cap: " + last);
    }

    @Test
    void emptyOnceTheRetryWindowIsUsedUp() throws InterruptedException {
        RetryPolicy p = new RetryPolicy(backoff(Duration.ofMillis(1), Duration.ofMillis(1)), Duration.ofMillis(1));
        Optional<Duration> first = p.nextDelay(null);
        assertTrue(first.isPresent(), "the first failure opens the window");
        assertTrue(first.get().toMillis() <= 1);
        Thread.sleep(20); // lets the 1 ms window pass; not a timing assertion
        assertEquals(Optional.empty(), p.nextDelay(null));
        assertEquals(Optional.empty(), p.nextDelay(Duration.ofMillis(1)), "Retry-After does not reopen the window");
    }

    @Test
    void progressResetsTheWindowAndTheBackoff() throws InterruptedException {
        RetryPolicy p = new RetryPolicy(backoff(Duration.ofMillis(1), Duration.ofMillis(1)), Duration.ofMillis(1));
        p.nextDelay(null);
        Thread.sleep(20);
        assertEquals(Optional.empty(), p.nextDelay(null));
        p.progressed();
        assertTrue(p.nextDelay(null).isPresent(), "a fresh window after progress");

        RetryPolicy q = new RetryPolicy(backoff(Duration.ofMillis(100), Duration.ofSeconds(10)), Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            q.nextDelay(null);
        }
        q.progressed();
        long d = q.nextDelay(null).orElseThrow().toMillis();
        assertTrue(d >= 50 && d <= 100, "the backoff starts over at the base: " + d);
    }
}
