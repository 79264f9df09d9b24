package io.bgfetch.transfer;

import io.bgfetch.text.UntrustedText;

/**
 * Text that came from a server (reason phrases, header values, error messages quoting what it
 * sent), made safe to store and to show: escape sequences and control characters are taken
 * out ({@link UntrustedText}), so neither a terminal nor a log line can be driven by them, and
 * messages are cut to a length a status line can show.
 */
final class ServerText {
    /** Longest message kept: enough for any real reason, not for a hostile server's 8 KiB line. */
    static final int MAX_MESSAGE_CHARS = 400;

    private ServerText() {
    }

    /** The text without escape sequences and control characters ({@link UntrustedText#clean}); "" for null. */
    static String clean(String text) {
        return UntrustedText.clean(text);
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
