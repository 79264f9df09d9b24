package io.bgfetch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What {@link DirectArgs} reads without picocli, it reads as picocli does: the command gets the
 * same value in every field (options, mixins, defaults). What it does not read is left to
 * picocli, valid or not.
 */
class DirectArgsTest {

    @Test
    void readsTheEverydayFormsAsPicocliDoes() throws Exception {
        List<String[]> accepted = List.of(
                args("list"), args("list", "-a"), args("list", "--all", "-l"), args("list", "--json"),
                args("list", "-l", "--json", "-a"),
                args("fetch", "one", "http://h/a"),
                args("fetch", "one", "http://h/a", "http://h/b", "--wait", "--dest", "/tmp/d"),
                args("fetch", "one", "-i", "list.txt", "-i", "more.txt", "-j", "16", "--wait", "--dest", "out"),
                args("fetch", "one", "http://h/a", "-c", "8", "--wait", "--dest=out", "--progress", "none"),
                args("fetch", "--wait", "one", "http://h/a", "--json", "--replace"),
                args("fetch", "one", "http://h/a", "--if-changed", "-t", "a title", "--retry-for", "1.5h"),
                args("fetch", "one", "http://h/a", "--title=x=y", "-w", "--progress=plain", "--jobs", "0012",
                        "--connections", "3", "--input=in.txt", "--retry-for=0"),
                args("fetch", "list", "http://h/a", "--progress", "bar"),
                args("fetch", "one", "http://h/a", "-i", "a=b", "--title", "x=-y"),
                args("fetch", "one", "--wait", "true", "-t", "\"quoted\"", "'single'", " "));
        for (String[] args : accepted) {
            ClientCommand direct = DirectArgs.parse(args);
            assertNotNull(direct, String.join(" ", args));
            assertEquals(fields(byPicocli(args)), fields(direct), String.join(" ", args));
        }
    }

    @Test
    void leavesEverythingElseToPicocli() {
        List<String[]> declined = List.of(
                args(), args("status"), args("--help"), args("list", "-al"), args("list", "--all", "-a"),
                args("list", "extra"), args("list", "--help"), args("list", "--all=true"), args("list", "-h"),
                args("fetch"), args("fetch", "--wait"), args("fetch", "one", "http://h/a", "-j", "0x10"),
                args("fetch", "one", "http://h/a", "-j", "-1"), args("fetch", "one", "http://h/a", "-j", "+1"),
                args("fetch", "one", "http://h/a", "-j16"), args("fetch", "one", "http://h/a", "-j=16"),
                args("fetch", "one", "http://h/a", "-j", "9999999999"),
                args("fetch", "one", "http://h/a", "--wait", "--wait"), args("fetch", "one", "http://h/a", "-w", "--wait"),
                args("fetch", "one", "http://h/a", "--dest", "a", "--dest", "b"),
                args("fetch", "one", "http://h/a", "--", "x"), args("fetch", "one", "@urls"),
                args("fetch", "one", "http://h/a", "--progress", "Bar"), args("fetch", "one", "http://h/a", "-H", "A: b"),
                args("fetch", "one", ""), args("fetch", "one", "http://h/a", "-t", "-x"),
                args("fetch", "one", "http://h/a", "--retry-for", "soon"), args("fetch", "one", "-i", "-"),
                args("fetch", "one", "http://h/a", "--dest"), args("fetch", "one", "http://h/a", "--dest="),
                args("fetch", "one", "http://h/a", "--wait=true"), args("fetch", "one", "http://h/a", "--dest", "a\0b"),
                args("fetch", "one", "http://h/a", "--version"), args("fetch", "-1", "http://h/a"),
                args("fetch", "one", "http://h/a", "--title=-t"), args("fetch", "one", "http://h/a", "--dest=--x"));
        for (String[] args : declined) {
            assertNull(DirectArgs.parse(args), String.join(" ", args));
        }
    }

    private static String[] args(String... args) {
        return args;
    }

    private static Object byPicocli(String[] args) {
        CommandLine cl = Cli.forArgs(args);
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        return parsed.subcommand().commandSpec().userObject();
    }

    /** Every field a command's options set, by name: its own, its base's, and its mixins' (flattened). */
    private static Map<String, Object> fields(Object command) throws IllegalAccessException {
        Map<String, Object> values = new TreeMap<>();
        List<Field> all = new ArrayList<>();
        for (Class<?> c = command.getClass(); c != Object.class; c = c.getSuperclass()) {
            all.addAll(List.of(c.getDeclaredFields()));
        }
        for (Field f : all) {
            if (Modifier.isStatic(f.getModifiers()) || f.getType() == CommandLine.Model.CommandSpec.class
                    || f.getType() == java.io.PrintWriter.class) {
                continue;
            }
            f.setAccessible(true);
            Object value = f.get(command);
            if (value instanceof JsonOption || value instanceof ProgressOption) {
                for (Field m : value.getClass().getDeclaredFields()) {
                    if (!Modifier.isStatic(m.getModifiers())) {
                        m.setAccessible(true);
                        values.put(f.getName() + "." + m.getName(), m.get(value));
                    }
                }
            } else {
                values.put(f.getName(), value);
            }
        }
        return values;
    }
}
