package io.bgfetch.units;

import io.bgfetch.cli.options.DurationConverter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationTextTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "500ms, PT0.5S",
            "30s, PT30S",
            "10m, PT10M",
            "2h, PT2H",
            "7d, PT168H",
            "24h, PT24H",
            "1h30m, PT1H30M",
            "1d12h, PT36H",
            "1h30m15s250ms, PT1H30M15.25S",
            "1d1ms, PT24H0.001S",
            "90, PT1M30S",
            "0, PT0S",
            "0s, PT0S",
            "0ms, PT0S",
            "1.5h, PT1H30M",
            "0.5s, PT0.5S",
            "2.5, PT2.5S",
            "30S, PT30S",
            "2H, PT2H",
            "1500MS, PT1.5S",
            "'  30s ', PT30S",
    })
    void parsesDurations(String text, Duration expected) {
        assertEquals(expected, DurationText.parse(text));
    }

    @Test
    void minutesAndMillisecondsAreNotConfused() {
        assertEquals(Duration.ofMillis(5), DurationText.parse("5ms"));
        assertEquals(Duration.ofMinutes(5), DurationText.parse("5m"));
        assertEquals(Duration.ofMinutes(5).plusMillis(5), DurationText.parse("5m5ms"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", " ", "5parsecs", "-5s", "-1", "s", "1h 30m", "1h30", "30m1h", "1m1m", "5x", "5y",
            "1w", "h1", "1.h", ".5h", "1e3s", "PT5S", "5sec", "5 s", "5mss",
    })
    void rejectsJunk(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationText.parse(text));
        assertTrue(e.getMessage().startsWith("invalid duration '" + text + "' ("), e.getMessage());
    }

    @Test
    void messageLooksLikeTheContract() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> DurationText.parse("5parsecs"));
        assertEquals("invalid duration '5parsecs' (examples: 500ms, 30s, 10m, 2h, 7d)", e.getMessage());
    }

    @Test
    void unitsOutOfOrderGetAHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationText.parse("30m1h"));
        assertTrue(e.getMessage().contains("1h30m"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "999999999999999999999d", "106751991167301d"})
    void rejectsOverflow(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationText.parse(text));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }

    @Test
    void theLargestAcceptedDurationStillConvertsToMillis() {
        // Long.MAX_VALUE ms is about 106751991167 days; just below it must work and toMillis must not throw.
        Duration d = DurationText.parse("106751991167d");
        assertEquals(106751991167L * 86_400_000L, d.toMillis());
    }

    @Test
    void nullIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DurationText.parse(null));
    }

    @Test
    void converterReportsTheSameMessageAsATypeConversionError() {
        DurationConverter converter = new DurationConverter();
        assertEquals(Duration.ofHours(24), converter.convert("24h"));
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> converter.convert("5parsecs"));
        assertEquals("invalid duration '5parsecs' (examples: 500ms, 30s, 10m, 2h, 7d)", e.getMessage());
    }
}
