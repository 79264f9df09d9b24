package io.bgfetch.cli;

import io.bgfetch.units.DurationText;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The everyday forms of the hot commands ({@code list}, {@code fetch}), read without picocli.
 * Building a command's picocli model (its annotations read by reflection, a proxy class
 * generated for each annotation type) took about half of a client's start-up, more than the
 * JVM's own start; the commands that scripts and the benchmark run over and over need none of it.
 *
 * <p>Only a plain subset is read: each option as its own word ({@code --name=value} too for
 * long ones), each at most once (but the repeatable ones), no value that starts with {@code -},
 * no empty word, no {@code @file}, no {@code --}, no clustered short options, no help. Anything
 * else, valid or not, makes {@link #parse} return null, and picocli reads the arguments: it
 * keeps the one definition of the command line, its help and its error messages. Each command
 * reads its own options here ({@code direct}, next to their annotations), into the fields
 * picocli would set; {@code DirectArgsTest} compares the two field by field.
 */
final class DirectArgs {
    private final String[] args;
    private final Set<String> seen = new HashSet<>();
    private int next = 1;
    private String attached;
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
            // Each command's class is named only here, in a call: a list does not even load FetchCommand.
            return switch (args[0]) {
                case "list" -> ListCommand.direct(new DirectArgs(args));
                case "fetch" -> FetchCommand.direct(new DirectArgs(args));
                default -> null;
            };
        } catch (InvalidPathException e) {
            return null; // picocli says why
        }
    }

    /**
     * The next word after the command's name, or null after the last. Of {@code --name=value}
     * only {@code --name} is returned; the value methods below take its value.
     */
    String next() {
        attached = null;
        if (next >= args.length) {
            return null;
        }
        String word = args[next++];
        int eq = word.indexOf('=');
        if (word.startsWith("--") && eq > 0) {
            attached = word.substring(eq + 1);
            return word.substring(0, eq);
        }
        return word;
    }

    /** Whether a word from {@link #next} is an option's name (else a positional parameter). */
    static boolean isOption(String word) {
        return word.charAt(0) == '-';
    }

    /** The command, or null when anything on the way made the arguments picocli's to read. */
    ClientCommand result(ClientCommand command) {
        return failed ? null : command;
    }

    /** A flag: true, the first time and without a value. */
    boolean flag(String key) {
        if (attached != null || !seen.add(key)) {
            failed = true;
        }
        return true;
    }

    /** The value of an option that may be given once. */
    String once(String key) {
        if (!seen.add(key)) {
            failed = true;
            return null;
        }
        return value();
    }

    /** The value of the last option read: attached, else the next word; either must not look like an option. */
    String value() {
        if (attached != null) {
            if (attached.isEmpty() || isOption(attached)) { // picocli refuses '--title=-t', for one
                failed = true;
                return null;
            }
            return attached;
        }
        if (next >= args.length || isOption(args[next])) {
            failed = true;
            return null;
        }
        return args[next++];
    }

    /** A path as picocli makes one ({@code Paths.get}); a bad one goes to picocli, which says why. */
    static Path path(String value) {
        return value == null ? null : Path.of(value);
    }

    /** A count given once: a plain decimal number, as picocli's {@code Integer.valueOf} reads it. */
    int count(String key, int otherwise) {
        String value = once(key);
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

    /** A duration given once, as {@code DurationConverter} reads it; one it refuses is picocli's to report. */
    Duration duration(String key, Duration otherwise) {
        String value = once(key);
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

    /** An enum value given once, by its exact name, as picocli matches them. */
    <E extends Enum<E>> E choice(String key, E[] values, E otherwise) {
        String value = once(key);
        for (E e : values) {
            if (e.name().equals(value)) {
                return e;
            }
        }
        failed = true;
        return otherwise;
    }
}
