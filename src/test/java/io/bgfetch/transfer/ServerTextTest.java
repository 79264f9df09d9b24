package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServerTextTest {

    @Test
    void escapeSequencesGoWholeControlCharactersBecomeQuestionMarksAndTabsSpaces() {
        String plain = "Not Found — ünïcode 名前";
        assertSame(plain, ServerText.clean(plain));
        assertEquals("ab?c?d e?g", ServerText.clean("a\u001b[31mb\u0000c\u007fd\te\u009bf\u2028g"));
        assertEquals("", ServerText.clean(null));
    }

    @Test
    void messagesAreCutToAShowableLength() {
        String cut = ServerText.message("x".repeat(10_000));
        assertEquals(ServerText.MAX_MESSAGE_CHARS, cut.length());
        assertTrue(cut.endsWith("…"));
        assertEquals("short", ServerText.message("short"));
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String emoji = "🎧".repeat(ServerText.MAX_MESSAGE_CHARS);
        String cut = ServerText.message(emoji);
        assertTrue(cut.length() <= ServerText.MAX_MESSAGE_CHARS);
        String body = cut.substring(0, cut.length() - 1);
        assertEquals(0, body.length() % 2, "whole emoji only");
        assertTrue(Character.isLowSurrogate(body.charAt(body.length() - 1)));
    }
}
