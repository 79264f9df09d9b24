package io.bgfetch.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpUrlTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "http://example.org",
            "https://example.org/",
            "https://example.org/42.mp3?x=1&y=2#t=10",
            "HTTPS://EXAMPLE.ORG/A",
            "http://127.0.0.1:8080/file",
            "http://[::1]:8080/file",
            "https://user:secret@example.org/private",
            "https://example.org/a%20b",
            "http://localhost/",
    })
    void acceptsHttpUrls(String url) {
        assertEquals(url, HttpUrl.require(url));
    }

    @Test
    void returnsTheUrlTrimmed() {
        assertEquals("https://example.org/x", HttpUrl.require("  https://example.org/x\t"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://x", "file:///etc/passwd", "mailto:a@b.c", "example.org/x", "/x", "data:,hi"})
    void rejectsOtherSchemes(String url) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpUrl.require(url));
        assertEquals("not an http(s) URL: " + url, e.getMessage());
    }

    @Test
    void rejectsUnparsableText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpUrl.require("ht tp://"));
        assertEquals("invalid URL 'ht tp://'", e.getMessage());
        // Spaces are not silently encoded: the user decides what they meant.
        assertThrows(IllegalArgumentException.class, () -> HttpUrl.require("https://example.org/a b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://", "http:///x", "http:x", "https:/x", "http://a_b/x", "http://host:99999/"})
    void rejectsUrlsWithoutAUsableHost(String url) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpUrl.require(url));
        assertTrue(e.getMessage().startsWith("invalid URL '" + url + "'"), e.getMessage());
    }

    @Test
    void rejectsEmptyAndNull() {
        assertEquals("invalid URL ''", assertThrows(IllegalArgumentException.class, () -> HttpUrl.require("")).getMessage());
        assertEquals("invalid URL ''", assertThrows(IllegalArgumentException.class, () -> HttpUrl.require(" ")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> HttpUrl.require(null));
    }
}
