package io.bgfetch.cli.options;

/**
 * The rules for a fetch's ID: any non-empty text of at most 200 characters without control
 * characters. The ID is returned exactly as given (not trimmed, not normalised) because the
 * contract promises it round-trips; it is never used as a file name, so slashes, dots and spaces
 * are fine.
 *
 * <p>"Characters" are Unicode code points, so an emoji counts once. Control characters are those
 * of general category Cc (which includes NEL, U+0085) plus the line and paragraph separators
 * U+2028/U+2029, since all of them would break the one-ID-per-line output of {@code list}.
 * Unpaired surrogates are rejected too: they cannot be encoded in UTF-8, so such an ID could not
 * round-trip through the database or the JSON output.
 */
public final class RegistrationId {

    public static final int MAX_CODE_POINTS = 200;

    private RegistrationId() {
    }

    /**
     * @return {@code id} unchanged
     * @throws IllegalArgumentException {@code the ID is empty}, {@code the ID is longer than 200
     *                                  characters}, {@code the ID contains a control character}, or
     *                                  {@code the ID is not valid Unicode text}
     */
    public static String validate(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("the ID is empty");
        }
        if (id.codePointCount(0, id.length()) > MAX_CODE_POINTS) {
            throw new IllegalArgumentException("the ID is longer than " + MAX_CODE_POINTS + " characters");
        }
        for (int i = 0; i < id.length(); ) {
            int cp = id.codePointAt(i);
            if (isControl(cp)) {
                throw new IllegalArgumentException("the ID contains a control character");
            }
            if (cp <= Character.MAX_VALUE && Character.isSurrogate((char) cp)) {
                throw new IllegalArgumentException("the ID is not valid Unicode text");
            }
            i += Character.charCount(cp);
        }
        return id;
    }

    private static boolean isControl(int cp) {
        return Character.getType(cp) == Character.CONTROL
                || cp == 0x0085 || cp == 0x2028 || cp == 0x2029;
    }
}
