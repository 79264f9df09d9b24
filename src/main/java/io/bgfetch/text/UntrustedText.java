package io.bgfetch.text;

/**
 * Text that came from outside (a server's reason phrase, header values, file names; a title)
 * made harmless before it is stored or shown. One implementation for the transfer, which
 * cleans what it stores, and the terminal code, which cleans again what it prints (rows
 * stored by older versions, titles given by users).
 */
public final class UntrustedText {

    private UntrustedText() {
    }

    /**
     * Makes text from the outside world (a title, a server's reason phrase, header value or file
     * name) safe to print: escape sequences (CSI such as {@code ESC[2J}, OSC such as a window
     * title or hyperlink, and two-character ones) are removed whole, and every other control
     * character (C0, DEL, C1, U+2028/U+2029) and bidirectional override (which can make a file
     * name read backwards) becomes {@code ?}; a tab becomes a space. So it can neither break a line, move the cursor,
     * recolour the terminal nor pretend to be different text.
     */
    public static String clean(String text) {
        if (text == null) {
            return "";
        }
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        sb.append(text, 0, first);
        int i = first;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\u001B' || c == '\u009B' || c == '\u009D') {
                i = endOfEscape(text, i);
            } else {
                sb.append(c == '\t' ? ' ' : isUnsafe(c) ? '?' : c);
                i++;
            }
        }
        return sb.toString();
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isUnsafe(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isUnsafe(char c) {
        return Character.getType(c) == Character.CONTROL || c == '\u2028' || c == '\u2029'
                || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }

    /**
     * @return the index just past the escape sequence starting at {@code start} (ECMA-48: CSI
     *         parameters and intermediates up to a final byte; OSC, DCS, SOS, PM and APC strings up
     *         to BEL or ST; otherwise ESC and the one character after it). An unterminated
     *         sequence runs to the end of the text.
     */
    private static int endOfEscape(String text, int start) {
        char c = text.charAt(start);
        int i = start + 1;
        char kind;
        if (c == '\u009B') {
            kind = '[';
        } else if (c == '\u009D') {
            kind = ']';
        } else {
            if (i >= text.length()) {
                return i;
            }
            kind = text.charAt(i++);
        }
        if (kind == '[') {
            while (i < text.length() && text.charAt(i) >= 0x20 && text.charAt(i) <= 0x3F) {
                i++; // parameter and intermediate bytes
            }
            while (i < text.length() && text.charAt(i) >= 0x20 && text.charAt(i) <= 0x2F) {
                i++;
            }
            return i < text.length() && text.charAt(i) >= 0x40 && text.charAt(i) <= 0x7E ? i + 1 : i;
        }
        if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' || kind == '_') {
            while (i < text.length()) {
                char d = text.charAt(i);
                if (d == '\u0007' || d == '\u009C') {
                    return i + 1;
                }
                if (d == '\u001B' && i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                    return i + 2;
                }
                i++;
            }
            return i;
        }
        return i; // ESC and one character (ESC c, ESC 7, ...)
    }
}
