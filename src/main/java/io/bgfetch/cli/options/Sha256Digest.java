package io.bgfetch.cli.options;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The two ways a user can name the expected SHA-256 of a body, both turned into the one form
 * the protocol carries: 64 lowercase hex digits.
 *
 * <ul>
 *   <li>{@code sha256=<hex>}: 64 hex digits in any case.</li>
 *   <li>{@code integrity=sha256-<base64>}: the Subresource Integrity form. As in the SRI/CSP
 *       grammar the algorithm name is case-insensitive and both base64 alphabets are accepted
 *       (standard {@code +/} and URL-safe {@code -_}), with or without padding. Only one hash is
 *       accepted; SRI's list of several hashes and its {@code ?options} suffix are not.</li>
 * </ul>
 */
public final class Sha256Digest {

    private static final int BYTES = 32;
    private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]{64}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_-]+={0,2}");

    private Sha256Digest() {
    }

    /**
     * @param hex 64 hex digits
     * @return the same digits in lowercase
     * @throws IllegalArgumentException when it is not 64 hex digits
     */
    public static String fromHex(String hex) {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits");
        }
        return hex.toLowerCase(Locale.ROOT);
    }

    /**
     * @param integrity {@code sha256-<base64 of 32 bytes>}
     * @return the digest as 64 lowercase hex digits
     * @throws IllegalArgumentException {@code only sha256 integrity is supported} for sha384,
     *                                  sha512 and any other algorithm; otherwise a message saying
     *                                  what is wrong with the value
     */
    public static String fromIntegrity(String integrity) {
        int dash = integrity == null ? -1 : integrity.indexOf('-');
        if (dash <= 0) {
            throw new IllegalArgumentException(
                    "integrity must look like sha256-<base64>, got '" + integrity + "'");
        }
        String algorithm = integrity.substring(0, dash).toLowerCase(Locale.ROOT);
        if (!algorithm.equals("sha256")) {
            throw new IllegalArgumentException(
                    "only sha256 integrity is supported (got " + integrity.substring(0, dash) + ")");
        }
        String encoded = integrity.substring(dash + 1);
        byte[] digest = decodeBase64(encoded);
        if (digest == null) {
            throw new IllegalArgumentException("integrity value is not valid base64: '" + encoded + "'");
        }
        if (digest.length != BYTES) {
            throw new IllegalArgumentException("integrity sha256 value must be " + BYTES
                    + " bytes of base64, got " + digest.length);
        }
        return HexFormat.of().formatHex(digest);
    }

    /** @return the bytes, or null when the text is not base64 in either alphabet */
    private static byte[] decodeBase64(String encoded) {
        if (!BASE64.matcher(encoded).matches()) {
            return null;
        }
        boolean urlSafe = encoded.indexOf('-') >= 0 || encoded.indexOf('_') >= 0;
        try {
            // Both decoders accept input without padding; they reject misplaced or extra '='.
            return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(encoded);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
