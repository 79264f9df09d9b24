package io.bgfetch.docs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes man(7) roff: a few macros and the escaping plain text needs. Every text block goes
 * on one input line of its own, so a control character ({@code .} or {@code '}) can only be
 * at the start of a line where {@link #text} protects it.
 */
final class Roff {
    /** An option name in running text ("--all", "-o"): shown in bold. */
    private static final Pattern OPTION_IN_TEXT = Pattern.compile("(?<![\\w\\-/<=.])(--?[A-Za-z][A-Za-z0-9\\-]*)");

    private final StringBuilder out = new StringBuilder();

    /** {@code .TH}: the page's title line (no date: the page depends on the code alone). */
    Roff title(String name, int section, String source, String manual) {
        return line(".TH " + arg(name.toUpperCase(java.util.Locale.ROOT)) + " " + section + " \"\" " + arg(source) + " " + arg(manual));
    }

    /** No hyphenation and a ragged right margin: options and paths stay whole and copyable. */
    Roff noHyphenation() {
        line(".nh");
        return line(".ad l");
    }

    Roff comment(String text) {
        return line(".\\\" " + text);
    }

    Roff section(String name) {
        return line(".SH " + arg(name));
    }

    Roff subsection(String name) {
        return line(".SS " + arg(name));
    }

    Roff paragraph() {
        return line(".PP");
    }

    /** {@code .TP}: a tagged paragraph; the tag is already-formatted roff. */
    Roff tagged(String tagRoff) {
        line(".TP");
        return line(tagRoff);
    }

    /** Text already in roff (escaped and with font changes). */
    Roff text(String roff) {
        return line(roff.startsWith(".") || roff.startsWith("'") ? "\\&" + roff : roff);
    }

    /** Plain text, escaped, with option names in bold. */
    Roff prose(String plain) {
        return text(prose2roff(plain));
    }

    /** Lines kept as they are (a command to type, a file's content), indented. */
    Roff literal(String... lines) {
        line(".RS 4");
        line(".nf");
        for (String l : lines) {
            text(escape(l));
        }
        line(".fi");
        return line(".RE");
    }

    /** Synopsis lines: no filling, no hyphenation. */
    Roff noFill(String... roffLines) {
        line(".nf");
        for (String l : roffLines) {
            text(l);
        }
        return line(".fi");
    }

    private Roff line(String s) {
        out.append(s).append('\n');
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    static String bold(String plain) {
        return "\\fB" + escape(plain) + "\\fR";
    }

    static String italic(String plain) {
        return "\\fI" + escape(plain) + "\\fR";
    }

    /** Plain text to roff, with option names in running text set in bold. */
    static String prose2roff(String plain) {
        StringBuilder sb = new StringBuilder();
        Matcher m = OPTION_IN_TEXT.matcher(plain);
        int last = 0;
        while (m.find()) {
            sb.append(escape(plain.substring(last, m.start()))).append(bold(m.group(1)));
            last = m.end();
        }
        return sb.append(escape(plain.substring(last))).toString();
    }

    /**
     * Escapes plain text: backslash, hyphen-minus (as {@code \-}, so options and commands can be
     * copied), and the characters groff would otherwise typeset as typographic glyphs.
     * Anything outside ASCII becomes a {@code \[uXXXX]} escape.
     */
    static String escape(String plain) {
        StringBuilder sb = new StringBuilder(plain.length() + 16);
        for (int i = 0; i < plain.length(); i++) {
            char c = plain.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\e");
                case '-' -> sb.append("\\-");
                case '\'' -> sb.append("\\(aq");
                case '`' -> sb.append("\\(ga");
                case '^' -> sb.append("\\(ha");
                case '~' -> sb.append("\\(ti");
                case '\n', '\r', '\t' -> sb.append(' ');
                default -> {
                    if (c < 0x20) {
                        sb.append(' ');
                    } else if (c < 0x7f) {
                        sb.append(c);
                    } else {
                        int cp = plain.codePointAt(i);
                        sb.append(String.format("\\[u%04X]", cp));
                        i += Character.charCount(cp) - 1;
                    }
                }
            }
        }
        return sb.toString();
    }

    /** A macro argument: escaped and quoted (a double quote inside becomes {@code \(dq}). */
    static String arg(String plain) {
        return "\"" + escape(plain).replace("\"", "\\(dq") + "\"";
    }
}
