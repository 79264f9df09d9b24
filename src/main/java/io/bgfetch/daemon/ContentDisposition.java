package io.bgfetch.daemon;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the file name a server suggests in {@code Content-Disposition} (RFC 6266): the
 * {@code filename*} parameter (RFC 8187 {@code charset'lang'percent-encoded}, UTF-8 or ISO-8859-1)
 * wins over {@code filename}. The result is only a suggestion from a stranger: the caller makes it
 * safe like any other name (this class only decodes it, and drops any directory part, as RFC 6266
 * section 4.3 advises: {@code ../../etc/passwd} suggests {@code passwd}).
 */
final class ContentDisposition {
    private ContentDisposition() {
    }

    /** The suggested file name, decoded and without directories, or null when there is none. */
    static String fileName(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        Map<String, String> params = parameters(header);
        String extended = params.containsKey("filename*") ? decodeExtended(params.get("filename*")) : null;
        String name = extended != null ? extended : params.containsKey("filename") ? plain(params.get("filename")) : null;
        if (name == null) {
            return null;
        }
        String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        return last.isEmpty() ? null : last;
    }

    /**
     * The parameters after the disposition type, names in lower case, values unquoted; the
     * first occurrence of a name wins. Lenient: a missing closing quote ends the value at the end.
     */
    static Map<String, String> parameters(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = header.indexOf(';');
        while (i >= 0 && i < header.length()) {
            i++; // past ';'
            int eq = header.indexOf('=', i);
            int semi = header.indexOf(';', i);
            if (eq < 0) {
                break;
            }
            if (semi >= 0 && semi < eq) {
                i = semi; // a parameter without a value
                continue;
            }
            String name = header.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            int v = eq + 1;
            while (v < header.length() && (header.charAt(v) == ' ' || header.charAt(v) == '\t')) {
                v++;
            }
            StringBuilder value = new StringBuilder();
            if (v < header.length() && header.charAt(v) == '"') {
                v++;
                while (v < header.length() && header.charAt(v) != '"') {
                    char c = header.charAt(v);
                    if (c == '\\' && v + 1 < header.length()) {
                        c = header.charAt(++v);
                    }
                    value.append(c);
                    v++;
                }
                int next = header.indexOf(';', v);
                i = next;
            } else {
                int end = header.indexOf(';', v);
                value.append(header, v, end < 0 ? header.length() : end);
                i = end;
                String trimmed = value.toString().trim();
                value.setLength(0);
                value.append(trimmed);
            }
            out.putIfAbsent(name, value.toString());
        }
        return out;
    }

    /** {@code UTF-8''na%C3%AFve.txt}; null when the charset is unknown or the encoding is broken. */
    static String decodeExtended(String value) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0) {
            return null;
        }
        String charsetName = value.substring(0, first).trim().toUpperCase(Locale.ROOT);
        Charset charset = switch (charsetName) {
            case "UTF-8" -> StandardCharsets.UTF_8;
            case "ISO-8859-1" -> StandardCharsets.ISO_8859_1;
            default -> null;
        };
        if (charset == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String encoded = value.substring(second + 1);
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    return null;
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c > 0x7f) {
                return null; // RFC 8187 allows only attr-chars and %XX
            } else {
                bytes.write(c);
            }
        }
        return strictDecode(bytes.toByteArray(), charset);
    }

    /**
     * A plain {@code filename}: header values reach us as ISO-8859-1, but many servers send
     * UTF-8 bytes there, as browsers accept; such a name is read as UTF-8 when it is valid UTF-8.
     */
    static String plain(String value) {
        if (value.chars().allMatch(c -> c < 0x80) || value.chars().anyMatch(c -> c > 0xff)) {
            return value;
        }
        String utf8 = strictDecode(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        return utf8 != null ? utf8 : value;
    }

    private static String strictDecode(byte[] bytes, Charset charset) {
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
