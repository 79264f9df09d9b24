package io.bgfetch.daemon;

/**
 * Whether a record's URL matches the one asked for, as the web's Cache API compares them:
 * the fragment never counts, and with {@code ignoreSearch} neither does the query string.
 */
final class UrlMatch {
    private UrlMatch() {
    }

    static boolean matches(String recordUrl, String asked, boolean ignoreSearch) {
        return strip(recordUrl, ignoreSearch).equals(strip(asked, ignoreSearch));
    }

    private static String strip(String url, boolean ignoreSearch) {
        String u = url;
        int hash = u.indexOf('#');
        if (hash >= 0) {
            u = u.substring(0, hash);
        }
        if (ignoreSearch) {
            int q = u.indexOf('?');
            if (q >= 0) {
                u = u.substring(0, q);
            }
        }
        return u;
    }
}
