package io.bgfetch.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void widthCountsColumnsNotChars() {
        assertEquals(0, TerminalText.width(""));
        assertEquals(5, TerminalText.width("hello"));
        assertEquals(4, TerminalText.width("名前"));
        assertEquals(2, TerminalText.width("🎧"));            // two chars, one wide character
        assertEquals(1, TerminalText.width("e\u0301"));       // e + combining acute accent
        assertEquals(1, TerminalText.width("…"));
    }

    @Test
    void truncateCutsWithAnEllipsis() {
        assertEquals("hello", TerminalText.truncate("hello", 5));
        assertEquals("hell…", TerminalText.truncate("hello world", 5));
        assertEquals("…", TerminalText.truncate("hello", 1));
        assertEquals("", TerminalText.truncate("hello", 0));
        assertEquals("", TerminalText.truncate("hello", -3));
        assertEquals("名…", TerminalText.truncate("名前のファイル", 4));  // a wide char never half-fits
        assertEquals("名前…", TerminalText.truncate("名前のファイル", 5));
        assertEquals("a…", TerminalText.truncate("a🎧🎧", 3));         // surrogate pairs stay whole
    }

    @Test
    void sanitizeReplacesControlCharacters() {
        String clean = "Episode 42";
        assertSame(clean, TerminalText.sanitize(clean));
        assertEquals("ab?c d?e", TerminalText.sanitize("a\u001B[31mb\nc\td\u2028e"));
        assertEquals("", TerminalText.sanitize(null));
    }

    @Test
    void sanitizeRemovesWholeEscapeSequences() {
        assertEquals("clear", TerminalText.sanitize("\u001B[2J\u001B[1;1Hclear"));
        assertEquals("title", TerminalText.sanitize("\u001B]0;pwned\u0007title"));          // OSC ended by BEL
        assertEquals("link", TerminalText.sanitize("\u001B]8;;http://x\u001B\\link\u001B]8;;\u001B\\"));
        assertEquals("ab", TerminalText.sanitize("a\u009B31mb"));                           // C1 CSI
        assertEquals("ab", TerminalText.sanitize("a\u001Bcb"));                             // ESC c: reset
        assertEquals("a", TerminalText.sanitize("a\u001B[31"));                            // cut short
        assertEquals("a", TerminalText.sanitize("a\u001B"));
        assertEquals("a?b", TerminalText.sanitize("a\u007Fb"));
    }

    @Test
    void sanitizeDefusesBidiOverrides() {
        // "invoice\u202Efdp.exe" would read as "invoiceexe.pdf"
        assertEquals("invoice?fdp.exe", TerminalText.sanitize("invoice\u202Efdp.exe"));
        assertEquals("a?b?c", TerminalText.sanitize("a\u2066b\u2069c"));
        assertEquals("名前.txt", TerminalText.sanitize("名前.txt"));
        assertEquals("a?b?c", TerminalText.sanitize("a\u0000b\rc"));
        assertEquals("名前 🎧 e\u0301", TerminalText.sanitize("名前 🎧 e\u0301"), "printable text is untouched");
    }

    @Test
    void pads() {
        assertEquals("ab   ", TerminalText.padRight("ab", 5));
        assertEquals("   ab", TerminalText.padLeft("ab", 5));
        assertEquals("abcdef", TerminalText.padRight("abcdef", 3));
        assertEquals("名前 ", TerminalText.padRight("名前", 5));
    }
}
