package io.bgfetch.docs;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every command's {@code --help} works (exit 0, on stdout) and lists the contract's exit statuses. */
class DocsHelpTest {
    /** The contract's exit statuses (docs/CLI.md), in order. */
    private static final List<String> CODES = List.of("0", "1", "2", "3", "4", "5", "6");

    static Stream<List<String>> commands() {
        List<List<String>> out = new ArrayList<>();
        collect(Cli.create(), new ArrayList<>(), out);
        return out.stream();
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        for (CommandLine sub : Texts.subcommands(cl)) {
            List<String> subPath = new ArrayList<>(path);
            subPath.add(sub.getCommandName());
            collect(sub, subPath, out);
        }
    }

    @ParameterizedTest(name = "bgfetch {0} --help")
    @MethodSource("commands")
    void helpExitsZeroAndListsTheExitStatuses(List<String> path) {
        CommandLine cl = Cli.create();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> args = new ArrayList<>(path);
        args.add("--help");

        int code = cl.execute(args.toArray(String[]::new));

        String help = out.toString();
        String flat = help.replaceAll("\\s+", " ");
        Map<String, String> documented = Cli.create().getCommandSpec().usageMessage().exitCodeList();
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertEquals(0, code, "exit status of bgfetch " + String.join(" ", args)));
        checks.add(() -> assertEquals("", err.toString(), "nothing on stderr"));
        checks.add(() -> assertTrue(help.startsWith("Usage: bgfetch"), help));
        checks.add(() -> assertTrue(help.contains("Exit status:"), "no 'Exit status:' heading in\n" + help));
        checks.add(() -> assertEquals(CODES, List.copyOf(documented.keySet()), "Cli's exit code list"));
        for (Map.Entry<String, String> e : documented.entrySet()) {
            String line = e.getKey() + " " + e.getValue().replaceAll("\\s+", " ").strip();
            checks.add(() -> assertTrue(flat.contains(line), "missing exit status '" + line + "' in\n" + help));
        }
        assertAll(checks);
    }

    /** Picocli reads ${name} in help texts as a variable and shows an unknown one as "null"; write $${name}. */
    @ParameterizedTest(name = "bgfetch {0} --help")
    @MethodSource("commands")
    void helpHasNoUnresolvedVariables(List<String> path) {
        CommandLine cl = Cli.create();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        cl.execute(args.toArray(String[]::new));
        assertFalse(out.toString().matches("(?s).*\\bnull\\b.*"),
                "an unresolved ${...} variable shows as 'null' in\n" + out);
    }
}
