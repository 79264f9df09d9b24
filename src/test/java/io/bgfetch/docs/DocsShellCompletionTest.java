package io.bgfetch.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bgfetch.cli.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated completion scripts parse and complete in the real shells, where they are
 * installed (bash always is; zsh and fish are skipped when missing).
 */
class DocsShellCompletionTest {
    @TempDir
    Path dir;

    @Test
    void bashCompletesCommandsOptionsAndValues() throws Exception {
        Path script = write("bgfetch.bash", BashCompletion.generate(Cli.create()));
        assertEquals(List.of("daemon"), bash(script, "bgfetch", "dae"));
        assertEquals(List.of("run", "start", "status", "stop"), sorted(bash(script, "bgfetch", "daemon", "")));
        assertEquals(List.of("--watch"), bash(script, "bgfetch", "status", "--wa"));
        assertEquals(List.of("fish"), bash(script, "bgfetch", "completion", "fi"));
        assertTrue(bash(script, "bgfetch", "fetch", "--").containsAll(List.of("--dest", "--retry-for", "--wait")));
    }

    @Test
    void zshParsesTheScript() throws Exception {
        assumeTrue(DocsManPageTest.onPath("zsh"), "zsh is not installed");
        Path script = write("_bgfetch", ZshCompletion.generate(Cli.create()));
        assertEquals("", run("zsh", "-n", script.toString()));
        // sourced after compinit, it registers the bash completer for bgfetch
        assertEquals("_bash_complete -F _complete_bgfetch -o default\n", run("zsh", "-fc",
                "autoload -U compinit && compinit -u -D && source " + script + " && print -r -- ${_comps[bgfetch]}"));
    }

    @Test
    void fishCompletesCommandsOptionsAndValues() throws Exception {
        assumeTrue(DocsManPageTest.onPath("fish"), "fish is not installed");
        Path script = write("bgfetch.fish", FishCompletion.generate(Cli.create()));
        assertEquals("", run("fish", "--no-execute", script.toString()));
        assertEquals(List.of("daemon"), fish(script, "bgfetch dae"));
        assertEquals(List.of("run", "start", "status", "stop"), sorted(fish(script, "bgfetch daemon ")));
        assertEquals(List.of("--watch"), fish(script, "bgfetch status --wa"));
        assertEquals(List.of(), fish(script, "bgfetch daemon status --wa"));
        assertEquals(List.of("bash", "fish", "zsh"), sorted(fish(script, "bgfetch completion ")));
        assertTrue(fish(script, "bgfetch fetch --").containsAll(List.of("--dest", "--retry-for", "--wait")));
        assertTrue(fish(script, "bgfetch match -").containsAll(List.of("-o", "--output", "--no-wait")));
    }

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    /** Runs the bash completion function for the words typed (the last being the one completed). */
    private static List<String> bash(Path script, String... words) throws Exception {
        StringBuilder quoted = new StringBuilder();
        for (String w : words) {
            quoted.append(" '").append(w.replace("'", "'\\''")).append("'");
        }
        String program = "source '" + script + "'\n"
                + "COMP_WORDS=(" + quoted + ")\n"
                + "COMP_CWORD=" + (words.length - 1) + "\n"
                + "COMP_LINE=\"${COMP_WORDS[*]}\"\n"
                + "COMP_POINT=${#COMP_LINE}\n"
                + "_complete_bgfetch\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        return lines(run("bash", "--norc", "--noprofile", "-c", program));
    }

    /** What fish offers for a command line (candidates only, without descriptions). */
    private static List<String> fish(Path script, String commandLine) throws Exception {
        String out = run("fish", "--no-config", "-c",
                "source '" + script + "'; complete -C '" + commandLine.replace("'", "\\'") + "'");
        List<String> names = new ArrayList<>();
        for (String l : lines(out)) {
            names.add(l.split("\t", 2)[0]);
        }
        return names;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "timed out: " + Arrays.toString(command));
        assertEquals(0, p.exitValue(), Arrays.toString(command) + ": " + out);
        return out;
    }

    private static List<String> lines(String s) {
        return s.isBlank() ? List.of() : List.of(s.strip().split("\n"));
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }
}
