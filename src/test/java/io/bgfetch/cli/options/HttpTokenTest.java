package io.bgfetch.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Methods and {@code -H} headers: RFC 9110 tokens, and a header's value on one line. */
class HttpTokenTest {
    /** The grammar as a regular expression, which the loops must agree with character by character. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+:.*");

    @Test
    void methodsAreTokens() {
        assertTrue(HttpToken.isToken("GET"));
        assertTrue(HttpToken.isToken("PROPFIND"));
        assertTrue(HttpToken.isToken("M-SEARCH"));
        assertFalse(HttpToken.isToken(""));
        assertFalse(HttpToken.isToken("GET /"), "a space is a delimiter");
        assertFalse(HttpToken.isToken("GET\r\nX-Evil: 1"));
        assertFalse(HttpToken.isToken("G(ET)"));
    }

    @Test
    void aHeaderIsATokenAColonAndAValueOnOneLine() {
        assertTrue(HttpToken.isHeader("Accept: */*"));
        assertTrue(HttpToken.isHeader("X-Empty:"));
        assertTrue(HttpToken.isHeader("Cookie: a=b; c=d:e"), "colons in the value are the value's");
        assertFalse(HttpToken.isHeader("no colon"));
        assertFalse(HttpToken.isHeader(": no name"));
        assertFalse(HttpToken.isHeader("Bad Name: x"));
        assertFalse(HttpToken.isHeader("X: a\r\nX-Evil: 1"), "a second header smuggled in");
        assertFalse(HttpToken.isHeader("X: a\nb"));
        assertFalse(HttpToken.isHeader("X: a\u2028b"));
    }

    @Test
    void everyCharacterIsJudgedAsTheGrammarJudgesIt() {
        for (char c = 0; c < 0x3000; c++) {
            String one = String.valueOf(c);
            assertEquals(TOKEN.matcher(one).matches(), HttpToken.isToken(one), "token char U+" + Integer.toHexString(c));
            String named = "N" + c + ": v";
            assertEquals(HEADER.matcher(named).matches(), HttpToken.isHeader(named), "in a name: U+" + Integer.toHexString(c));
            String valued = "Name: a" + c + "b";
            assertEquals(HEADER.matcher(valued).matches(), HttpToken.isHeader(valued), "in a value: U+" + Integer.toHexString(c));
        }
    }
}
