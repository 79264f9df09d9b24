package io.bgfetch.daemon;

import io.bgfetch.store.RecordRow;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The names bodies get under {@code --dest}: {@code out=} when given (as given: the CLI checked
 * it), else the file name the server suggested in {@code Content-Disposition}, else the URL's last
 * path segment; the last two made safe (no path separators, no leading dot, no control
 * characters, at most 240 bytes) and every name unique within the fetch ({@link Taken}).
 */
final class DestNames {
    /** Room for "-NN" from {@link Taken#unique} within a file system's 255-byte name limit. */
    private static final int MAX_NAME_BYTES = 240;

    private DestNames() {
    }

    /**
     * The name a record's body gets under {@code --dest} (before it is made unique): {@code out=},
     * else the server's Content-Disposition file name, else the URL's last path segment.
     */
    static String nameFor(RecordRow r) {
        if (r.outName() != null) {
            return r.outName();
        }
        // Most responses have no Content-Disposition: their stored head is not parsed (a fetch's
        // ending names every body, and parsing 1000 heads took 10-25 ms of it). Header names are
        // stored in lower case (HttpTransport.headOf), so the key is looked for as it is.
        String head = r.headersJson();
        String suggested = head == null || !head.contains("\"content-disposition\"") ? null
                : ContentDisposition.fileName(Snapshots.headers(head).get("content-disposition"));
        String name = suggested == null ? "" : clean(suggested);
        return name.isEmpty() ? nameFromUrl(r.url()) : name;
    }

    static String nameFromUrl(String url) {
        String path;
        try {
            path = URI.create(url).getRawPath();
        } catch (IllegalArgumentException e) {
            path = "";
        }
        // Split before decoding, so an encoded '/' stays inside the name (and is made safe).
        String last = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        try {
            // URLDecoder is a form decoder: protect '+', which in a path is a plus (c++.pdf).
            last = URLDecoder.decode(last.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException keepRaw) {
            // a stray % is kept as it is
        }
        return safe(last);
    }

    static String safe(String name) {
        String s = clean(name);
        return s.isEmpty() ? "download" : s;
    }

    /**
     * No separators, no control characters (nor the bidi controls that make "exe.txt" read as
     * "txt.exe"), no leading dot (so never "." or "..", nor a name bgfetch's own hidden part files
     * use), at most 240 bytes; may be empty.
     */
    private static String clean(String name) {
        StringBuilder b = new StringBuilder();
        name.codePoints().forEach(c -> b.appendCodePoint(c == '/' || c == '\\' || Character.isISOControl(c)
                || isBidiControl(c) ? '_' : c));
        String s = fitBytes(b.toString(), MAX_NAME_BYTES).strip();
        while (s.startsWith(".")) {
            s = s.substring(1).strip();
        }
        return s;
    }

    private static boolean isBidiControl(int c) {
        return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F;
    }

    /** File systems limit a name to 255 bytes, not characters; keep the end (the extension). */
    private static String fitBytes(String name, int maxBytes) {
        String s = name;
        while (s.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            s = s.substring(s.offsetByCodePoints(0, 1));
        }
        return s;
    }

    /**
     * The names taken in one destination by one fetch, ignoring case; {@link #unique} gives the
     * next free {@code name}, {@code name-1.ext}, {@code name-2.ext}... and remembers where it got
     * to, so 10,000 bodies of the same name cost 10,000 steps, not 50 million.
     */
    static final class Taken {
        private final Set<String> names = new HashSet<>();
        private final Map<String, Integer> nextSuffix = new HashMap<>();

        /** Takes {@code name}; false when it was taken already. */
        boolean add(String name) {
            return names.add(name.toLowerCase(Locale.ROOT));
        }

        /** {@code name} when free, else the first free numbered variant; takes it. */
        String unique(String name) {
            if (add(name)) {
                return name;
            }
            String key = name.toLowerCase(Locale.ROOT);
            int dot = name.lastIndexOf('.');
            String stem = dot > 0 ? name.substring(0, dot) : name;
            String ext = dot > 0 ? name.substring(dot) : "";
            int n = nextSuffix.getOrDefault(key, 1);
            String candidate = stem + "-" + n + ext;
            while (!add(candidate)) {
                candidate = stem + "-" + ++n + ext;
            }
            nextSuffix.put(key, n + 1);
            return candidate;
        }
    }
}
