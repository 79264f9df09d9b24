package io.bgfetch.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Sha256DigestTest {

    /** SHA-256 of the empty string, in both forms. */
    static final String EMPTY_HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static final String EMPTY_SRI = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    @Test
    void convertsIntegrityToLowercaseHex() {
        assertEquals(EMPTY_HEX, Sha256Digest.fromIntegrity(EMPTY_SRI));
    }

    @Test
    void acceptsUnpaddedUrlSafeAndUppercaseAlgorithm() {
        assertEquals(EMPTY_HEX, Sha256Digest.fromIntegrity("sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"));
        assertEquals(EMPTY_HEX, Sha256Digest.fromIntegrity("sha256-47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU="));
        assertEquals(EMPTY_HEX, Sha256Digest.fromIntegrity("SHA256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha384-abc", "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
            "md5-1B2M2Y8AsgTpgAmY7PhCfg==", "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="})
    void rejectsOtherAlgorithms(String integrity) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Sha256Digest.fromIntegrity(integrity));
        assertTrue(e.getMessage().startsWith("only sha256 integrity is supported"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sha256-not*base64!",
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU===",   // too much padding
            "sha256-47DEQpj8HBSa+/TImW-5JCeuQeRkm5NMpJWZG3hSuFU=",     // mixed alphabets
            "sha256-",
            "sha256-A",
            "sha256-AAAA",                                           // 3 bytes, not 32
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= sha256-x",
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=?ct=text/plain",
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            "",
    })
    void rejectsBadIntegrityValues(String integrity) {
        assertThrows(IllegalArgumentException.class, () -> Sha256Digest.fromIntegrity(integrity));
    }

    @Test
    void hexIsLowercased() {
        assertEquals(EMPTY_HEX, Sha256Digest.fromHex(EMPTY_HEX.toUpperCase()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550",
            "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"})
    void rejectsBadHex(String hex) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sha256Digest.fromHex(hex));
        assertEquals("sha256 must be 64 hex digits", e.getMessage());
    }
}
