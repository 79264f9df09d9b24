package io.bgfetch.cli.options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * A {@code .netrc} file, read as curl and wget read it: {@code machine HOST login USER password
 * PASS} entries (tokens separated by any white space, so one entry may span lines), a
 * {@code default} entry for any other host, {@code macdef} blocks skipped up to the next blank
 * line, and double-quoted tokens with backslash escapes.
 */
public final class Netrc {
    private final String text;

    private Netrc(String text) {
        this.text = text;
    }

    public static Netrc read(Path file) throws IOException {
        return new Netrc(Files.readString(file, StandardCharsets.UTF_8));
    }

    static Netrc parse(String text) {
        return new Netrc(text);
    }

    /** "login:password" for {@code host} (an exact machine entry, else {@code default}), if any. */
    public Optional<String> credentialsFor(String host) {
        String wanted = host.toLowerCase(Locale.ROOT);
        Tokens t = new Tokens(text);
        String match = null;
        String fallback = null;
        String machine = null;
        boolean isDefault = false;
        String login = null;
        String password = null;
        String token;
        while ((token = t.next()) != null) {
            switch (token) {
                case "machine", "default" -> {
                    String done = entry(machine, isDefault, login, password, wanted);
                    if (done != null && match == null && !isDefault) {
                        match = done;
                    } else if (done != null && isDefault && fallback == null) {
                        fallback = done;
                    }
                    isDefault = token.equals("default");
                    machine = isDefault ? null : t.next();
                    login = null;
                    password = null;
                }
                case "login" -> login = t.next();
                case "password" -> password = t.next();
                case "account" -> t.next();
                case "macdef" -> t.skipMacro();
                default -> {
                    // an unknown token: ignored, as curl does
                }
            }
        }
        String last = entry(machine, isDefault, login, password, wanted);
        if (last != null && isDefault && fallback == null) {
            fallback = last;
        } else if (last != null && !isDefault && match == null) {
            match = last;
        }
        return Optional.ofNullable(match != null ? match : fallback);
    }

    private static String entry(String machine, boolean isDefault, String login, String password, String host) {
        if (login == null) {
            return null;
        }
        if (!isDefault && (machine == null || !machine.toLowerCase(Locale.ROOT).equals(host))) {
            return null;
        }
        return login + ":" + (password == null ? "" : password);
    }

    /** White-space separated tokens; a token in double quotes may hold spaces and \" escapes. */
    private static final class Tokens {
        private final String s;
        private int i;

        Tokens(String s) {
            this.s = s;
        }

        String next() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= s.length()) {
                return null;
            }
            StringBuilder out = new StringBuilder();
            if (s.charAt(i) == '"') {
                i++;
                while (i < s.length() && s.charAt(i) != '"') {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < s.length()) {
                        c = s.charAt(i++);
                    }
                    out.append(c);
                }
                i++;
                return out.toString();
            }
            while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
                out.append(s.charAt(i++));
            }
            return out.toString();
        }

        /** A macro definition runs to the next empty line. */
        void skipMacro() {
            int end = s.indexOf("\n\n", i);
            i = end < 0 ? s.length() : end + 2;
        }
    }
}
