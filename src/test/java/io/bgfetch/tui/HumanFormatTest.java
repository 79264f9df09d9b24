package io.bgfetch.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HumanFormatTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0, 0 B",
            "1, 1 B",
            "999, 999 B",
            "1023, 1023 B",
            "1024, 1.0 KiB",
            "1536, 1.5 KiB",
            "1048524, 1023.9 KiB",
            "1048525, 1.0 MiB",       // would round to 1024.0 KiB
            "1048576, 1.0 MiB",
            "1572864, 1.5 MiB",
            "78643200, 75.0 MiB",
            "2147483648, 2.0 GiB",
            "4294967296, 4.0 GiB",
            "1099511627776, 1.0 TiB",
            "9223372036854775807, 8.0 EiB",
            "-1, --",
    })
    void bytes(long n, String expected) {
        assertEquals(expected, HumanFormat.bytes(n));
    }

    @Test
    void bytesIgnoreTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("1.5 MiB", HumanFormat.bytes(1572864));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void rate() {
        assertEquals("1.2 MiB/s", HumanFormat.rate(1_258_291));
        assertEquals("0 B/s", HumanFormat.rate(0));
        assertEquals("512 B/s", HumanFormat.rate(512));
        assertEquals("--", HumanFormat.rate(-1));
    }

    @ParameterizedTest(name = "{0} bytes at {1}/s -> {2}")
    @CsvSource({
            "0, 100, 0s",
            "1, 100, 1s",            // rounded up: never claims done too early
            "1200, 100, 12s",
            "5900, 100, 59s",
            "6000, 100, 1m00s",
            "18500, 100, 3m05s",
            "372000, 100, 1h02m",
            "8640000, 100, 1d00h",
            "18360000, 100, 2d03h",
            "100, 0, --",
            "100, -5, --",
            "-1, 100, --",
    })
    void eta(long remaining, long rate, String expected) {
        assertEquals(expected, HumanFormat.eta(remaining, rate));
    }

    @ParameterizedTest(name = "{0} s -> {1}")
    @CsvSource({"0, 0s", "59, 59s", "60, 1m00s", "3725, 1h02m", "183600, 2d03h", "-1, --"})
    void duration(long seconds, String expected) {
        assertEquals(expected, HumanFormat.duration(seconds));
    }

    @ParameterizedTest(name = "{0}/{1} -> ''{2}''")
    @CsvSource({
            "0, 100, 0%",
            "42, 100, 42%",
            "999, 1000, 99%",        // rounded down: 100% only when complete
            "1000, 1000, 100%",
            "2000, 1000, 100%",
            "5, 0, ''",
            "5, -1, ''",
            "9223372036854775806, 9223372036854775807, 99%",
            "4611686018427387904, 9223372036854775807, 50%",
    })
    void percent(long done, long total, String expected) {
        assertEquals(expected, HumanFormat.percent(done, total));
    }
}
