package io.bgfetch.docs;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Small helpers shared by the generators: reading the texts and shapes out of the command model. */
final class Texts {
    private Texts() {
    }

    /**
     * A description as paragraphs: picocli shows each array element on its own line, an empty
     * element as a blank line, and expands {@code %n}; here each line becomes one paragraph.
     */
    static List<String> paragraphs(String[] description) {
        List<String> out = new ArrayList<>();
        for (String element : description) {
            for (String line : element.replace("%%", "\u0000").split("%n", -1)) {
                String text = line.replace("\u0000", "%").strip();
                if (!text.isEmpty()) {
                    out.add(text);
                }
            }
        }
        return out;
    }

    /** The whole description as one line of text. */
    static String joined(String[] description) {
        return String.join(" ", paragraphs(description));
    }

    /**
     * A one-line summary of a command, for man page NAME lines and shell completion menus:
     * its header when it has one, else its description's first sentence up to a colon or
     * semicolon ("Register a fetch: hand ID's requests ..." gives "Register a fetch").
     */
    static String summary(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        if (header.length > 0) {
            return firstSentence(joined(header));
        }
        String sentence = firstSentence(joined(spec.usageMessage().description()));
        int cut = indexOfAny(sentence, ':', ';');
        return cut > 0 ? sentence.substring(0, cut).strip() : sentence;
    }

    /** The first sentence, without its full stop. */
    static String firstSentence(String text) {
        int end = text.indexOf(". ");
        String s = end < 0 ? text : text.substring(0, end);
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** An option's or parameter's description, with a note when it may be given more than once. */
    static String description(ArgSpec arg) {
        String text = joined(arg.description());
        if (arg instanceof OptionSpec && arg.isMultiValue() && !text.toLowerCase().contains("repeatable")) {
            text = text + " Repeatable.";
        }
        return text;
    }

    /** Options in the order a reader wants them: the command's own, then shared ones, then help and version. */
    static List<OptionSpec> options(CommandSpec spec) {
        List<OptionSpec> own = new ArrayList<>();
        List<OptionSpec> shared = new ArrayList<>();
        List<OptionSpec> help = new ArrayList<>();
        List<OptionSpec> fromMixins = new ArrayList<>();
        for (CommandSpec mixin : spec.mixins().values()) {
            fromMixins.addAll(mixin.options());
        }
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            if (o.usageHelp() || o.versionHelp()) {
                help.add(o);
            } else if (fromMixins.contains(o)) {
                shared.add(o);
            } else {
                own.add(o);
            }
        }
        List<OptionSpec> all = new ArrayList<>(own);
        all.addAll(shared);
        all.addAll(help);
        return all;
    }

    static List<PositionalParamSpec> positionals(CommandSpec spec) {
        return spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
    }

    /** Visible subcommands, in declaration order. */
    static List<CommandLine> subcommands(CommandLine cl) {
        List<CommandLine> out = new ArrayList<>();
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandSpec().usageMessage().hidden() && !out.contains(sub)) {
                out.add(sub); // aliases map to the same CommandLine
            }
        }
        return out;
    }

    /** "ID", "[URL...]", "SHELL": a positional parameter as a synopsis shows it. */
    static String synopsisLabel(PositionalParamSpec p) {
        String label = p.paramLabel() + (p.arity().max() > 1 ? "..." : "");
        return p.arity().min() == 0 ? "[" + label + "]" : label;
    }

    /** True when an option's or parameter's value names a file (by type or by its label). */
    static boolean takesFile(ArgSpec arg) {
        Class<?> type = arg.auxiliaryTypes().length > 0 ? arg.auxiliaryTypes()[0] : arg.type();
        return java.nio.file.Path.class.isAssignableFrom(type) || java.io.File.class.isAssignableFrom(type)
                || arg.paramLabel().contains("FILE");
    }

    static boolean takesDirectory(ArgSpec arg) {
        return arg.paramLabel().equals("DIR");
    }

    static List<String> candidates(ArgSpec arg) {
        List<String> out = new ArrayList<>();
        if (arg.completionCandidates() != null) {
            arg.completionCandidates().forEach(out::add);
        }
        return out;
    }

    private static int indexOfAny(String s, char... chars) {
        int best = -1;
        for (char c : chars) {
            int i = s.indexOf(c);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }
}
