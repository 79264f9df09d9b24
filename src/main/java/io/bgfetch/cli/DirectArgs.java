package io.bgfetch.cli;

import io.bgfetch.cli.ProgressOption.Mode;
import io.bgfetch.units.DurationText;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The everyday forms of {@code list} and {@code fetch}, read without picocli. Building a
 * command's picocli model (annotations read by reflection, a proxy class generated for each
 * annotation type) took about half of a client's start-up, more than the JVM's own start; the
 * commands a script or the benchmark runs over and over need none of it.
 *
 * <p>Only a plain subset is read here: each option as its own word ({@code --name=value} too for
 * long ones), each at most once (but the repeatable {@code -i}), no value that starts with
 * {@code -}, no empty word, no {@code @file}, no {@code --}, no clustered short options, no help.
 * Anything else, valid or not, returns null and goes to picocli, which has the one definition
 * of the command line, its help and its error messages. A command read here gets the same
 * fields picocli would set ({@code DirectArgsTest} compares the two field by field).
 */
final class DirectArgs {
    private final String[] args;
    private final Set<String> seen = new HashSet<>();
    private int next = 1;
    private boolean failed;

    private DirectArgs(String[] args) {
        this.args = args;
    }

    /** The command {@code args} run, its fields set, or null when picocli must read them. */
    static ClientCommand parse(String[] args) {
        if (args.length == 0) {
            return null;
        }
        for (String arg : args) {
            if (arg.isEmpty() || arg.charAt(0) == '@') { // picocli reads '@file' as more arguments
                return null;
            }
        }
        try {
            return switch (args[0]) {
                case "list" -> new DirectArgs(args).list();
                case "fetch" -> new DirectArgs(args).fetch();
                default -> null;
            };
        } catch (InvalidPathException e) {
            return null; // picocli says why
        }
    }

    private ListCommand list() {
        ListCommand c = new ListCommand();
        c.jsonOption = new JsonOption();
        while (next < args.length) {
            String name = args[next++];
            switch (name) {
                case "-a", "--all" -> c.all = flag("--all");
                case "-l" -> c.long_ = flag("-l");
                case "--json" -> c.jsonOption.json = flag("--json");
                default -> {
                    return null;
                }
            }
        }
        return failed ? null : c;
    }

    private FetchCommand fetch() {
        FetchCommand c = new FetchCommand();
        c.jsonOption = new JsonOption();
        c.progress = new ProgressOption();
        // The annotations' defaultValue (picocli sets them; a field's initial value is not used)
        c.jobs = 4;
        c.connections = 1;
        c.retryFor = Duration.ofHours(24); // "24h"
        List<String> positional = new ArrayList<>();
        while (next < args.length) {
            String word = args[next++];
            if (word.charAt(0) != '-') {
                positional.add(word);
                continue;
            }
            int eq = word.indexOf('=');
            String name = word.startsWith("--") && eq > 0 ? word.substring(0, eq) : word;
            String attached = name == word ? null : word.substring(eq + 1);
            switch (name) {
                case "-w", "--wait" -> c.waitForEnd = flag("--wait", attached);
                case "--replace" -> c.replace = flag("--replace", attached);
                case "--if-changed" -> c.ifChanged = flag("--if-changed", attached);
                case "--json" -> c.jsonOption.json = flag("--json", attached);
                case "--dest" -> c.dest = path(once("--dest", attached));
                case "-t", "--title" -> c.title = once("--title", attached);
                case "-i", "--input" -> {
                    String file = value(attached);
                    if (file != null) {
                        c.inputs.add(Path.of(file));
                    }
                }
                case "-j", "--jobs" -> c.jobs = count(once("--jobs", attached), c.jobs);
                case "-c", "--connections" -> c.connections = count(once("--connections", attached), c.connections);
                case "--progress" -> c.progress.mode = mode(once("--progress", attached));
                case "--retry-for" -> c.retryFor = duration(once("--retry-for", attached), c.retryFor);
                default -> {
                    return null;
                }
            }
            if (failed) {
                return null;
            }
        }
        if (positional.isEmpty() || failed) {
            return null; // no ID: picocli's usage error
        }
        c.id = positional.get(0);
        c.urls.addAll(positional.subList(1, positional.size()));
        return c;
    }

    /** A flag given once, without a value; a second time (or {@code --flag=x}) fails the parse. */
    private boolean flag(String key, String attached) {
        if (attached != null) {
            failed = true;
        }
        return flag(key);
    }

    private boolean flag(String key) {
        if (!seen.add(key)) {
            failed = true;
        }
        return true;
    }

    /** The value of an option that may be given once; null (and the parse failed) otherwise. */
    private String once(String key, String attached) {
        if (!seen.add(key)) {
            failed = true;
            return null;
        }
        return value(attached);
    }

    /** The option's value: attached ({@code --name=value}), else the next word, which must not look like an option. */
    private String value(String attached) {
        if (attached != null) {
            if (attached.isEmpty()) {
                failed = true;
                return null;
            }
            return attached;
        }
        if (next >= args.length || args[next].charAt(0) == '-') {
            failed = true;
            return null;
        }
        return args[next++];
    }

    private static Path path(String value) {
        return value == null ? null : Path.of(value);
    }

    /** A plain decimal number, as picocli's Integer.valueOf reads it; anything else fails the parse. */
    private int count(String value, int otherwise) {
        if (value == null || value.length() > 9) {
            failed = true;
            return otherwise;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                failed = true;
                return otherwise;
            }
        }
        return Integer.parseInt(value);
    }

    /** A duration as the option's converter reads it; one it refuses fails the parse (picocli says why). */
    private Duration duration(String value, Duration otherwise) {
        try {
            if (value != null) {
                return DurationText.parse(value);
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        failed = true;
        return otherwise;
    }

    /** A mode by its exact name, as picocli matches enum values. */
    private Mode mode(String value) {
        for (Mode m : Mode.values()) {
            if (m.name().equals(value)) {
                return m;
            }
        }
        failed = true;
        return Mode.auto;
    }
}
