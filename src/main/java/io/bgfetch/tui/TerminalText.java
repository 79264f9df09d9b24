package io.bgfetch.tui;

import io.bgfetch.text.UntrustedText;

/**
 * Measuring, cutting and cleaning text for a fixed-width terminal, shared by {@link TextTable}
 * and {@link ProgressDisplay}.
 *
 * <p>Widths are in terminal columns, not chars: a code point outside the BMP (an emoji) is one
 * character but two chars, East Asian wide characters take two columns, and combining marks
 * take none. The table of wide ranges is a close approximation of Unicode's East Asian Width
 * (W and F), good enough to keep columns aligned for CJK and emoji titles without a wcwidth
 * dependency.
 */
public final class TerminalText {

    /** What {@link #truncate} puts where text was cut. */
    public static final String ELLIPSIS = "…";

    private TerminalText() {
    }

    /**
     * Makes text from the outside world (a title, a server's reason phrase, header value or file
     * name) safe to print: see {@link UntrustedText#clean}.
     */
    public static String sanitize(String text) {
        return UntrustedText.clean(text);
    }

    /** @return the number of terminal columns the text occupies */
    public static int width(String text) {
        int width = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            width += width(cp);
            i += Character.charCount(cp);
        }
        return width;
    }

    /**
     * @return the text itself when it fits in {@code maxWidth} columns, else its longest prefix
     *         that fits together with {@link #ELLIPSIS}; "" when {@code maxWidth} is 0 or less
     */
    public static String truncate(String text, int maxWidth) {
        if (width(text) <= maxWidth) {
            return text;
        }
        if (maxWidth <= 0) {
            return "";
        }
        int budget = maxWidth - 1; // room for the ellipsis
        int used = 0;
        int end = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int w = width(cp);
            if (used + w > budget) {
                break;
            }
            used += w;
            end += Character.charCount(cp);
        }
        return text.substring(0, end) + ELLIPSIS;
    }

    /** @return the text followed by spaces up to {@code width} columns (never cut) */
    public static String padRight(String text, int width) {
        int missing = width - width(text);
        return missing <= 0 ? text : text + " ".repeat(missing);
    }

    /** @return spaces up to {@code width} columns followed by the text (never cut) */
    public static String padLeft(String text, int width) {
        int missing = width - width(text);
        return missing <= 0 ? text : " ".repeat(missing) + text;
    }

    static int width(int cp) {
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.FORMAT || cp == 0) {
            return 0; // combining accents, zero-width joiner, soft hyphen, ...
        }
        return isWide(cp) ? 2 : 1;
    }

    private static boolean isWide(int cp) {
        return (cp >= 0x1100 && cp <= 0x115F)        // Hangul Jamo initials
                || (cp >= 0x2E80 && cp <= 0x303E)    // CJK radicals, punctuation
                || (cp >= 0x3041 && cp <= 0x33FF)    // kana, CJK symbols
                || (cp >= 0x3400 && cp <= 0x4DBF)    // CJK extension A
                || (cp >= 0x4E00 && cp <= 0x9FFF)    // CJK unified ideographs
                || (cp >= 0xA000 && cp <= 0xA4CF)    // Yi
                || (cp >= 0xAC00 && cp <= 0xD7A3)    // Hangul syllables
                || (cp >= 0xF900 && cp <= 0xFAFF)    // CJK compatibility ideographs
                || (cp >= 0xFE30 && cp <= 0xFE4F)    // CJK compatibility forms
                || (cp >= 0xFF00 && cp <= 0xFF60)    // fullwidth forms
                || (cp >= 0xFFE0 && cp <= 0xFFE6)
                || (cp >= 0x1F300 && cp <= 0x1F64F)  // pictographs, emoticons
                || (cp >= 0x1F900 && cp <= 0x1F9FF)  // supplemental symbols and pictographs
                || (cp >= 0x20000 && cp <= 0x3FFFD); // CJK extensions B and later
    }
}
