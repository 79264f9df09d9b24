package io.bgfetch.cli.options;

import io.bgfetch.protocol.RequestSpec;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives each request the HTTP Basic credentials for its origin, chosen as curl chooses them:
 * {@code -u USER:PASSWORD} first, else the URL's own {@code user:password@}, else a netrc entry
 * for its host (with {@code --netrc} or {@code --netrc-file}). The user info is taken out of the
 * URL, so that it never shows in {@code --json}, the log or a process listing of the daemon.
 */
public final class Credentials {

    private Credentials() {
    }

    /**
     * @param user  {@code -u}, or null
     * @param netrc the netrc file to consult, or null
     */
    public static List<RequestSpec> apply(List<RequestSpec> specs, String user, Path netrc) {
        Netrc entries = null;
        if (netrc != null) {
            try {
                entries = Netrc.read(netrc);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the netrc file " + netrc + ": " + e.getMessage());
            }
        }
        List<RequestSpec> out = new ArrayList<>(specs.size());
        for (RequestSpec spec : specs) {
            if (user == null && entries == null && spec.url().indexOf('@') < 0) {
                // No credentials to give, none in the URL (user info needs an '@'): nothing to
                // parse again, which a list of many URLs feels in a client that has just started.
                out.add(spec.withUrlAndCredentials(spec.url(), null));
                continue;
            }
            URI uri = URI.create(spec.url());
            String fromUrl = uri.getRawUserInfo() == null ? null : decode(uri.getRawUserInfo());
            String chosen = user != null ? user : fromUrl;
            if (chosen == null && entries != null) {
                chosen = entries.credentialsFor(uri.getHost()).orElse(null);
            }
            String url = fromUrl == null && uri.getRawUserInfo() == null ? spec.url() : withoutUserInfo(uri);
            out.add(spec.withUrlAndCredentials(url, chosen));
        }
        return out;
    }

    private static String withoutUserInfo(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), null, null, null).toString()
                    + (uri.getRawPath() == null ? "" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid URL (" + e.getMessage() + ")");
        }
    }

    /** user info is percent-encoded in a URL ({@code p%40ss} for {@code p@ss}). */
    private static String decode(String rawUserInfo) {
        return URLDecoder.decode(rawUserInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
