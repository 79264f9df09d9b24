package io.bgfetch.units;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses sizes and rates as users write them: {@code --download-total}, {@code --limit-rate},
 * and the daemon's size settings such as {@code BGFETCH_QUOTA}.
 *
 * <p>The contract: a bare number is bytes; {@code K M G T} and {@code KiB MiB GiB TiB} are powers
 * of 1024; {@code KB MB GB TB} are powers of 1000. Unit letters are case-insensitive, so
 * {@code kb} means 1000 like {@code KB} (bgfetch never counts bits). A trailing {@code B} alone is
 * allowed ({@code 100B}), and so is one optional space between the number and the unit.
 *
 * <p>Decimals are allowed only with a unit larger than a byte ({@code 1.5G}); a fraction of a byte
 * that remains ({@code 1.1K} = 1126.4) is rounded down, because a size is a whole number of bytes
 * and a cap should never be rounded up past what the user wrote.
 */
public final class ByteSize {

    private static final String EXAMPLES = "examples: 123, 500K, 75MB, 4GiB";

    /** Digits only in ASCII: {@code \d} would also accept other scripts' digits. */
    private static final Pattern SYNTAX =
            Pattern.compile("([0-9]+)(?:\\.([0-9]+))?[ ]?([A-Za-z]*)");

    private static final Map<String, Long> MULTIPLIERS = Map.ofEntries(
            Map.entry("", 1L),
            Map.entry("b", 1L),
            Map.entry("k", 1L << 10), Map.entry("kib", 1L << 10), Map.entry("kb", 1_000L),
            Map.entry("m", 1L << 20), Map.entry("mib", 1L << 20), Map.entry("mb", 1_000_000L),
            Map.entry("g", 1L << 30), Map.entry("gib", 1L << 30), Map.entry("gb", 1_000_000_000L),
            Map.entry("t", 1L << 40), Map.entry("tib", 1L << 40), Map.entry("tb", 1_000_000_000_000L));

    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private ByteSize() {
    }

    /**
     * @return the number of bytes, never negative
     * @throws IllegalArgumentException with a one-line message naming the input, when it is
     *                                  empty, negative, not a size, or larger than {@link Long#MAX_VALUE}
     */
    public static long parse(String text) {
        if (text == null) {
            throw invalid("", EXAMPLES);
        }
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            throw invalid(text, EXAMPLES);
        }
        Long multiplier = MULTIPLIERS.get(m.group(3).toLowerCase(Locale.ROOT));
        if (multiplier == null) {
            throw invalid(text, EXAMPLES);
        }
        String fraction = m.group(2);
        if (fraction != null && multiplier == 1L) {
            throw invalid(text, "a number of bytes is a whole number; " + EXAMPLES);
        }
        BigDecimal number = new BigDecimal(fraction == null ? m.group(1) : m.group(1) + "." + fraction);
        BigDecimal bytes = number.multiply(BigDecimal.valueOf(multiplier))
                .setScale(0, RoundingMode.DOWN);
        if (bytes.compareTo(MAX) > 0) {
            throw invalid(text, "too large; the largest size is " + Long.MAX_VALUE + " bytes");
        }
        return bytes.longValueExact();
    }

    private static IllegalArgumentException invalid(String text, String hint) {
        return new IllegalArgumentException("invalid size '" + text + "' (" + hint + ")");
    }
}
