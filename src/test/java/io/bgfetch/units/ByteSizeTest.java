package io.bgfetch.units;

import io.bgfetch.cli.options.ByteSizeConverter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class ByteSizeTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "0, 0",
            "123, 123",
            "100B, 100",
            "100b, 100",
            "1K, 1024",
            "1k, 1024",
            "1KiB, 1024",
            "1kib, 1024",
            "1Kib, 1024",
            "1KB, 1000",
            "1kb, 1000",
            "2.5K, 2560",
            "500K, 512000",
            "10M, 10485760",
            "1MiB, 1048576",
            "75MB, 75000000",
            "1.5G, 1610612736",
            "2GiB, 2147483648",
            "4GiB, 4294967296",
            "4GB, 4000000000",
            "1T, 1099511627776",
            "1TiB, 1099511627776",
            "1TB, 1000000000000",
            "0K, 0",
            "0.5K, 512",
            "1.1K, 1126",          // 1126.4 bytes rounds down
            "'  75MB  ', 75000000", // surrounding blanks, as a shell may pass them
            "'75 MB', 75000000",    // one space before the unit
            "9223372036854775807, 9223372036854775807",
            "8388607T, 9223370937343148032",
    })
    void parsesSizes(String text, long expected) {
        assertEquals(expected, ByteSize.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", " ", "-1", "-5K", "+5", "12XB", "K", "5 K B", "5  K", "1.5", "1.5B", "1.", ".5K",
            "1,5K", "1e3", "5KK", "5Kibi", "5P", "0x10", "١٢٣" /* Arabic-Indic digits */, "5\u00A0K",
    })
    void rejectsJunk(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(text));
        assertTrue(e.getMessage().startsWith("invalid size '" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("examples: 123, 500K, 75MB, 4GiB"), e.getMessage());
    }

    @Test
    void messageLooksLikeTheContract() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("12XB"));
        assertEquals("invalid size '12XB' (examples: 123, 500K, 75MB, 4GiB)", e.getMessage());
    }

    @Test
    void nullIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "8388608T", "9999999999TB", "99999999999999999999999999K"})
    void rejectsOverflow(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(text));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        assertTrue(e.getMessage().startsWith("invalid size '" + text + "'"), e.getMessage());
    }

    @Test
    void converterReportsTheSameMessageAsATypeConversionError() {
        ByteSizeConverter converter = new ByteSizeConverter();
        assertEquals(4294967296L, converter.convert("4GiB"));
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> converter.convert("12XB"));
        assertEquals("invalid size '12XB' (examples: 123, 500K, 75MB, 4GiB)", e.getMessage());
    }
}
