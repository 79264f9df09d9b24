package io.bgfetch.cli.options;

import io.bgfetch.protocol.RequestSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringTokenizer;

/**
 * Reads the {@code fetch --input} format: one request per line, {@code URL [key=value ...]},
 * separated by spaces or tabs.
 *
 * <ul>
 *   <li>Blank lines and lines whose first non-blank character is {@code #} are ignored. A
 *       {@code #} later in a line is not a comment: it belongs to the URL's fragment or to a
 *       value, so a line is never cut in a surprising place.</li>
 *   <li>Keys: {@code integrity=sha256-<base64>} and {@code sha256=<64 hex>} (see
 *       {@link Sha256Digest}; given both, they must agree), and {@code out=<file name>}: a plain
 *       name for the file under {@code --dest}, so no {@code /}, not {@code .} or {@code ..}, no
 *       NUL, not empty, at most 255 bytes of UTF-8 (the usual file-name limit, checked here rather
 *       than when the download is over). Two lines may not use the same {@code out=} name, since
 *       the second would overwrite the first. {@code mirror=<URL>}: another source of the same
 *       body, repeatable, in the order of trying; checked like the URL, and without
 *       {@code user:password@} (credentials given with {@code -u} or netrc reach a mirror only on
 *       the URL's own origin). Other keys at most once per line; unknown keys are errors.</li>
 *   <li>CRLF, CR and LF line ends are all accepted, and so is a UTF-8 byte order mark at the
 *       start (the reader must already decode UTF-8; the BOM then shows up as U+FEFF).</li>
 * </ul>
 *
 * Errors are {@link IllegalArgumentException}s with the message {@code SOURCE:LINE: message},
 * such as {@code list.txt:3: unknown key 'foo'}; the first error stops the parse.
 */
public final class RequestListParser {

    private static final char BOM = '\uFEFF';
    private static final int MAX_NAME_BYTES = 255;

    private RequestListParser() {
    }

    /**
     * @param in         the list; read to the end but not closed
     * @param sourceName how errors name the source: the file name, or {@code -} / {@code <stdin>}
     * @return the requests in file order; empty when the list holds none (the caller decides
     *         whether that is an error)
     * @throws IllegalArgumentException for the first bad line
     * @throws IOException              when reading fails
     */
    public static List<RequestSpec> parse(Reader in, String sourceName) throws IOException {
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        List<RequestSpec> specs = new ArrayList<>();
        Map<String, Integer> outNameLines = new HashMap<>();
        int lineNumber = 0;
        for (String line; (line = lines.readLine()) != null; ) {
            lineNumber++;
            if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == BOM) {
                line = line.substring(1);
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            try {
                RequestSpec spec = parseLine(trimmed);
                if (spec.out() != null) {
                    Integer earlier = outNameLines.putIfAbsent(spec.out(), lineNumber);
                    if (earlier != null) {
                        throw new IllegalArgumentException(
                                "out=" + spec.out() + " is already used on line " + earlier);
                    }
                }
                specs.add(spec);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(sourceName + ":" + lineNumber + ": " + e.getMessage(), e);
            }
        }
        return specs;
    }

    private static RequestSpec parseLine(String line) {
        List<String> tokens = fields(line);
        String url = HttpUrl.require(tokens.get(0));
        Map<String, String> keys = new LinkedHashMap<>();
        List<String> mirrors = new ArrayList<>();
        for (int i = 1; i < tokens.size(); i++) {
            String token = tokens.get(i);
            int eq = token.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value after the URL, got '" + token + "'");
            }
            String key = token.substring(0, eq);
            if (key.equals("mirror")) {
                mirrors.add(mirror(token.substring(eq + 1)));
                continue;
            }
            if (!key.equals("integrity") && !key.equals("sha256") && !key.equals("out")) {
                throw new IllegalArgumentException("unknown key '" + key + "'");
            }
            if (keys.putIfAbsent(key, token.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("key '" + key + "' given twice");
            }
        }
        return new RequestSpec(url, digest(keys), outName(keys.get("out")), null, mirrors);
    }

    /**
     * The (stripped) line's fields: the runs of characters between spaces, tabs and the other
     * ASCII white space ({@code \s}). Not a regular expression: a client that has just
     * started runs the regex engine interpreted (see {@link HttpToken}).
     */
    static List<String> fields(String line) {
        List<String> fields = new ArrayList<>(1);
        for (StringTokenizer t = new StringTokenizer(line, " \t\n\u000B\f\r"); t.hasMoreTokens(); ) {
            fields.add(t.nextToken());
        }
        return fields;
    }

    /** A mirror URL: http(s) like the URL itself, and no credentials of its own. */
    private static String mirror(String value) {
        String url;
        try {
            url = HttpUrl.require(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mirror=: " + e.getMessage());
        }
        if (URI.create(url).getRawUserInfo() != null) {
            throw new IllegalArgumentException("mirror= URLs cannot carry user:password@ (use -u or --netrc)");
        }
        return url;
    }

    /** @return the lowercase hex SHA-256 from integrity= and/or sha256=, or null for neither */
    private static String digest(Map<String, String> keys) {
        String fromIntegrity = keys.containsKey("integrity")
                ? Sha256Digest.fromIntegrity(keys.get("integrity")) : null;
        String fromHex = keys.containsKey("sha256") ? Sha256Digest.fromHex(keys.get("sha256")) : null;
        if (fromIntegrity != null && fromHex != null && !fromIntegrity.equals(fromHex)) {
            throw new IllegalArgumentException("integrity= and sha256= name different hashes");
        }
        return fromIntegrity != null ? fromIntegrity : fromHex;
    }

    private static String outName(String name) {
        if (name == null) {
            return null;
        }
        if (name.isEmpty() || name.equals(".") || name.equals("..")
                || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                    "out= must be a plain file name (no '/', not '.' or '..'), got '" + name + "'");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("out= name is longer than " + MAX_NAME_BYTES + " bytes");
        }
        return name;
    }
}
