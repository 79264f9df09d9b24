package io.bgfetch.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UrlMatchTest {

    @Test
    void exactUrlsMatch() {
        assertTrue(UrlMatch.matches("https://example.org/a.mp3", "https://example.org/a.mp3", false));
        assertTrue(UrlMatch.matches("https://example.org/a?x=1", "https://example.org/a?x=1", false));
    }

    @Test
    void otherwiseExact() {
        assertFalse(UrlMatch.matches("https://example.org/a.mp3", "https://example.org/b.mp3", false));
        assertFalse(UrlMatch.matches("https://example.org/a.mp3", "http://example.org/a.mp3", false));
        assertFalse(UrlMatch.matches("https://example.org/a.mp3", "https://example.org/a.mp3/", false));
        assertFalse(UrlMatch.matches("https://example.org/a", "https://example.org/A", false));
        assertFalse(UrlMatch.matches("https://example.org/a", "https://example.org/a?", false));
    }

    @Test
    void theFragmentNeverCounts() {
        assertTrue(UrlMatch.matches("https://example.org/a#one", "https://example.org/a#two", false));
        assertTrue(UrlMatch.matches("https://example.org/a", "https://example.org/a#frag", false));
        assertTrue(UrlMatch.matches("https://example.org/a?q=1#x", "https://example.org/a?q=1", false));
    }

    @Test
    void theQueryCountsUnlessIgnoreSearch() {
        assertFalse(UrlMatch.matches("https://example.org/a?x=1", "https://example.org/a?x=2", false));
        assertFalse(UrlMatch.matches("https://example.org/a?x=1", "https://example.org/a", false));
        assertTrue(UrlMatch.matches("https://example.org/a?x=1", "https://example.org/a?x=2", true));
        assertTrue(UrlMatch.matches("https://example.org/a?x=1", "https://example.org/a", true));
        assertTrue(UrlMatch.matches("https://example.org/a", "https://example.org/a?x=1#f", true));
    }

    @Test
    void ignoreSearchStillComparesThePath() {
        assertFalse(UrlMatch.matches("https://example.org/a?x=1", "https://example.org/b?x=1", true));
    }

    @Test
    void aQuestionMarkInsideTheFragmentIsNotAQuery() {
        assertTrue(UrlMatch.matches("https://example.org/a#frag?x", "https://example.org/a", false));
    }
}
