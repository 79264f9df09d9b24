package io.bgfetch.units;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as users write them: {@code --retry-for} and the daemon's timing settings
 * such as {@code BGFETCH_STALL_TIMEOUT}.
 *
 * <p>Accepted: one or more {@code <number><unit>} parts with the units {@code d h m s ms}
 * (case-insensitive), largest unit first and each at most once, without spaces: {@code 500ms},
 * {@code 30s}, {@code 10m}, {@code 2h}, {@code 7d}, {@code 1h30m}, {@code 1d12h}. A number may have a
 * decimal part ({@code 1.5h}). A bare number alone means seconds ({@code 90}).
 *
 * <p>Zero ({@code 0}, {@code 0s}) is allowed and means "do not retry". Negative values cannot be
 * written. The result never exceeds {@link Long#MAX_VALUE} milliseconds (about 292 million years)
 * so that callers can use {@link Duration#toMillis()} without overflow; fractions of a
 * nanosecond are dropped.
 */
public final class DurationText {

    private static final String EXAMPLES = "examples: 500ms, 30s, 10m, 2h, 7d";

    private static final Pattern BARE_NUMBER = Pattern.compile("[0-9]+(?:\\.[0-9]+)?");

    /** One part; "ms" is listed before "m" so that {@code 5ms} is not read as 5 minutes + junk. */
    private static final Pattern PART =
            Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|d|h|m|s)", Pattern.CASE_INSENSITIVE);

    /** Units from largest to smallest, with their length in nanoseconds. */
    private static final List<String> UNITS = List.of("d", "h", "m", "s", "ms");
    private static final List<Long> UNIT_NANOS = List.of(
            86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L);

    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
    private static final BigDecimal MAX_NANOS =
            BigDecimal.valueOf(Long.MAX_VALUE).multiply(BigDecimal.valueOf(1_000_000L));

    private DurationText() {
    }

    /**
     * @return a duration of zero or more
     * @throws IllegalArgumentException with a one-line message naming the input, when it is
     *                                  empty, not a duration, or too large
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw invalid("", EXAMPLES);
        }
        String s = text.strip();
        BigDecimal nanos;
        if (BARE_NUMBER.matcher(s).matches()) {
            nanos = new BigDecimal(s).multiply(NANOS_PER_SECOND);
        } else {
            nanos = parseParts(s, text);
        }
        if (nanos.compareTo(MAX_NANOS) > 0) {
            throw invalid(text, "too large");
        }
        BigDecimal[] secondsAndNanos = nanos.setScale(0, RoundingMode.DOWN)
                .divideAndRemainder(NANOS_PER_SECOND);
        return Duration.ofSeconds(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValueExact());
    }

    private static BigDecimal parseParts(String s, String original) {
        if (s.isEmpty()) {
            throw invalid(original, EXAMPLES);
        }
        Matcher m = PART.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int position = 0;
        int previousUnit = -1;
        while (position < s.length()) {
            // region + lookingAt: every character must belong to a part, with nothing in between.
            m.region(position, s.length());
            if (!m.lookingAt()) {
                throw invalid(original, EXAMPLES);
            }
            int unit = UNITS.indexOf(m.group(2).toLowerCase(Locale.ROOT));
            if (unit <= previousUnit) {
                // "30m1h" or "1m1m" is more likely a typo than a wish; say how to write it.
                throw invalid(original, "write the largest unit first, each once, as in 1h30m");
            }
            previousUnit = unit;
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(UNIT_NANOS.get(unit))));
            position = m.end();
        }
        return nanos;
    }

    private static IllegalArgumentException invalid(String text, String hint) {
        return new IllegalArgumentException("invalid duration '" + text + "' (" + hint + ")");
    }
}
