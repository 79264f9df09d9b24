package io.bgfetch.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bgfetch.cli.Cli;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The man pages are well-formed roff, complete, and render without warnings. */
class DocsManPageTest {
    private static final Pattern MACRO = Pattern.compile("^\\.(TH|SH|SS|PP|TP|RS|RE|nf|fi|nh|ad|\\\\\")( .*)?$");
    private static final List<String> SECTIONS = List.of(
            "NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "SEE ALSO");

    static Stream<String> pages() {
        return new RoffManPage(Cli.create()).pages().keySet().stream();
    }

    private static String page(String name) {
        return new RoffManPage(Cli.create()).pages().get(name);
    }

    @Test
    void onePagePerTopLevelCommand() {
        List<String> expected = new ArrayList<>(List.of("bgfetch.1"));
        for (CommandLine sub : Texts.subcommands(Cli.create())) {
            expected.add("bgfetch-" + sub.getCommandName() + ".1");
        }
        assertEquals(expected, List.copyOf(new RoffManPage(Cli.create()).pages().keySet()));
        assertTrue(expected.contains("bgfetch-daemon.1") && expected.contains("bgfetch-fetch.1"), expected.toString());
    }

    @ParameterizedTest
    @MethodSource("pages")
    void isWellFormedRoff(String name) {
        String roff = page(name);
        assertTrue(roff.endsWith("\n"));
        int line = 0;
        for (String l : roff.split("\n", -1)) {
            line++;
            String where = name + ":" + line + ": " + l;
            if (l.startsWith(".") || l.startsWith("'")) {
                assertTrue(MACRO.matcher(l).matches(), "unknown request or unprotected text at " + where);
            }
            if (l.startsWith(".\\\"")) {
                continue;
            }
            assertTrue(l.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "not plain ASCII at " + where);
            assertTrue(!Pattern.compile("(?<!\\\\)-").matcher(l).find(), "a bare hyphen (write \\-) at " + where);
            assertTrue(!l.contains("'"), "a bare apostrophe (write \\(aq) at " + where);
        }
    }

    @ParameterizedTest
    @MethodSource("pages")
    void hasTheStandardSections(String name) {
        String roff = page(name);
        int last = -1;
        for (String section : SECTIONS) {
            int at = roff.indexOf(".SH \"" + section + "\"\n");
            assertTrue(at > last, name + ": section " + section + " missing or out of order");
            last = at;
        }
        assertTrue(roff.contains(".TP\n\\fBBGFETCH_HOME\\fR\n"), name + ": BGFETCH_HOME");
        assertTrue(roff.contains(".TP\n\\fBNO_COLOR\\fR\n"), name + ": NO_COLOR");
        for (String code : List.of("0", "1", "2", "3", "4", "5", "6")) {
            assertTrue(roff.contains(".TP\n\\fB" + code + "\\fR\n"), name + ": exit status " + code);
        }
    }

    @Test
    void everyOptionOfEveryCommandIsDocumented() {
        Map<String, String> pages = new RoffManPage(Cli.create()).pages();
        for (CommandLine sub : Texts.subcommands(Cli.create())) {
            String roff = pages.get("bgfetch-" + sub.getCommandName() + ".1");
            List<CommandLine> commands = new ArrayList<>(List.of(sub));
            commands.addAll(Texts.subcommands(sub));
            for (CommandLine c : commands) {
                for (OptionSpec o : c.getCommandSpec().options()) {
                    for (String n : o.names()) {
                        assertTrue(roff.contains("\\fB" + Roff.escape(n) + "\\fR"),
                                c.getCommandSpec().qualifiedName() + " " + n + " is not in its man page");
                    }
                }
                if (c != sub) {
                    assertTrue(roff.contains(".SS \"" + Roff.escape(c.getCommandSpec().qualifiedName()) + "\""),
                            c.getCommandSpec().qualifiedName() + " has no section in bgfetch-" + sub.getCommandName() + ".1");
                }
            }
        }
    }

    @Test
    void topLevelAndDaemonPagesDescribeTuningAndFiles() {
        for (String name : List.of("bgfetch.1", "bgfetch-daemon.1")) {
            String roff = page(name);
            for (String v : List.of("BGFETCH_BACKOFF_BASE", "BGFETCH_BACKOFF_MAX", "BGFETCH_STALL_TIMEOUT",
                    "BGFETCH_CONNECT_TIMEOUT", "BGFETCH_CHECKPOINT_BYTES", "BGFETCH_QUOTA", "BGFETCH_DEBUG")) {
                assertTrue(roff.contains("\\fB" + v + "\\fR"), name + ": " + v);
            }
            for (String f : List.of("bgfetch.db", "store/", "daemon.sock", "daemon.log", "daemon.pid", "daemon.lock")) {
                assertTrue(roff.contains("\\fI$BGFETCH_HOME/" + f + "\\fR"), name + ": FILES " + f);
            }
        }
    }

    /** The top-level help's Environment footer and bgfetch.1's ENVIRONMENT name the same variables. */
    @Test
    void environmentInHelpIsInTheManPage() {
        String roff = page("bgfetch.1");
        Matcher m = Pattern.compile("\\b(BGFETCH_[A-Z_]+|NO_COLOR)\\b")
                .matcher(String.join("\n", Cli.create().getCommandSpec().usageMessage().footer()));
        while (m.find()) {
            assertTrue(roff.contains(".TP\n\\fB" + m.group(1) + "\\fR\n"), "bgfetch.1 does not describe " + m.group(1));
        }
    }

    @Test
    void escapesWhatRoffWouldInterpret() {
        assertEquals("\\-\\-all", Roff.escape("--all"));
        assertEquals("a\\eb", Roff.escape("a\\b"));
        assertEquals("\\(aqx\\(aq \\(ga \\(ha \\(ti", Roff.escape("'x' ` ^ ~"));
        assertEquals("caf\\[u00E9]", Roff.escape("caf\u00e9"));
        assertEquals("\\&.hidden\n", new Roff().prose(".hidden").toString());
        assertEquals("see \\fB\\-o\\fR and \\fB\\-\\-all\\fR, not sha256\\-x\n",
                new Roff().prose("see -o and --all, not sha256-x").toString());
        assertEquals("\"say \\(dqhi\\(dq\"", Roff.arg("say \"hi\""));
    }

    /** groff (what man uses) renders every page without a warning, where it is installed. */
    @Test
    void rendersWithoutWarnings(@TempDir Path dir) throws IOException, InterruptedException {
        assumeTrue(onPath("groff"), "groff is not installed");
        for (Map.Entry<String, String> p : new RoffManPage(Cli.create()).pages().entrySet()) {
            Path file = dir.resolve(p.getKey());
            Files.writeString(file, p.getValue(), StandardCharsets.US_ASCII);
            Process groff = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", "-z", file.toString())
                    .redirectErrorStream(true).start();
            String output = new String(groff.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, groff.waitFor(), p.getKey() + ": " + output);
            assertEquals("", output, p.getKey() + ": groff warnings");
        }
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }
}
