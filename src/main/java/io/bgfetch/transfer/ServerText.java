package io.bgfetch.transfer;

/**
 * Text that came from a server (reason phrases, header values, error messages quoting what it
 * sent), made safe to store and to show: control characters (C0 with tab and line breaks,
 * DEL, C1, U+2028/U+2029) become {@code ?}, so neither a terminal nor a log line can be driven
 * by escape sequences, and messages are cut to a length a status line can show.
 */
final class ServerText {
    /** Longest message kept: enough for any real reason, not for a hostile server's 8 KiB line. */
    static final int MAX_MESSAGE_CHARS = 400;

    private ServerText() {
    }

    /** The text with every control character replaced by {@code ?}; "" for null. */
    static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.getType(c) == Character.CONTROL || c == '\u2028' || c == '\u2029') {
                if (sb == null) {
                    sb = new StringBuilder(text);
                }
                sb.setCharAt(i, c == '\t' ? ' ' : '?');
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** {@link #clean} and at most {@link #MAX_MESSAGE_CHARS} characters, for failure messages. */
    static String message(String text) {
        String clean = clean(text);
        if (clean.length() <= MAX_MESSAGE_CHARS) {
            return clean;
        }
        int end = MAX_MESSAGE_CHARS - 1;
        if (Character.isHighSurrogate(clean.charAt(end - 1))) {
            end--;
        }
        return clean.substring(0, end) + "…";
    }
}
