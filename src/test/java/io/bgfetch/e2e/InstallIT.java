package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/install} into a temporary prefix (with a space in it): the installed launcher
 * works and starts its daemon, the man pages and completions are where man and the shells look,
 * the systemd unit points at the launcher, and {@code --uninstall} takes everything away again.
 */
class InstallIT extends EndToEndTest {

    @Test
    void installsARunnableBgfetchWithManPagesCompletionsAndAUnitThenUninstalls() throws Exception {
        Path project = bg.launcher().getParent().getParent();
        Path script = project.resolve("scripts/install");
        Path prefix = tmp.resolve("pre fix");

        Result install = bg.runCommand(List.of(script.toString(), "--prefix", prefix.toString()), new byte[0]);
        assertEquals(0, install.exit(), install::describe);
        assertTrue(install.out().contains("installed bgfetch "), install::describe);

        Path bgfetch = prefix.resolve("bin/bgfetch");
        assertTrue(Files.isExecutable(bgfetch), "the launcher is executable");
        Result version = bg.runCommand(List.of(bgfetch.toString(), "--version"), new byte[0]);
        assertEquals(0, version.exit(), version::describe);
        assertTrue(version.out().matches("bgfetch \\d+\\.\\d+\\.\\d+.*\\n"), version::describe);

        // the installed program does real work: it starts its own daemon and fetches
        var body = server.add("/installed.bin", 50_000);
        Result fetch = bg.runCommand(List.of(bgfetch.toString(), "fetch", "--wait", "inst", server.url("/installed.bin")),
                new byte[0]);
        assertEquals(0, fetch.exit(), fetch::describe);
        Result match = bg.runCommand(List.of(bgfetch.toString(), "match", "inst", server.url("/installed.bin")), new byte[0]);
        assertEquals(body.sha256(), Sha256.hex(match.stdoutBytes()));

        // man pages: found by name under the prefix, and valid roff that man renders
        Path man1 = prefix.resolve("share/man/man1");
        for (Path page : List.of(man1.resolve("bgfetch.1"), man1.resolve("bgfetch-wait.1"))) {
            assertTrue(Files.readString(page).contains(".TH "), page + " is a man page");
        }
        if (onPath("man")) {
            Result rendered = bg.runCommand(List.of("man", "-P", "cat", "-l", man1.resolve("bgfetch-wait.1").toString()),
                    new byte[0]);
            assertEquals(0, rendered.exit(), rendered::describe);
            assertTrue(rendered.out().contains("bgfetch-wait"), rendered::describe);
            assertTrue(rendered.out().contains("--timeout"), rendered::describe);
            Result where = bg.runCommand(List.of("env", "MANPATH=" + prefix.resolve("share/man"), "man", "-w", "bgfetch-wait"),
                    new byte[0]);
            assertEquals(man1.resolve("bgfetch-wait.1").toString(), where.out().strip(), where::describe);
        }

        // completions: bash loads its file; zsh and fish files are the committed ones
        Path bash = prefix.resolve("share/bash-completion/completions/bgfetch");
        Result complete = bg.runCommand(List.of("bash", "-c", "source \"$1\" && complete -p bgfetch", "bash", bash.toString()),
                new byte[0]);
        assertEquals(0, complete.exit(), complete::describe);
        assertTrue(complete.out().contains(" bgfetch"), complete::describe);
        assertArrayEquals(Files.readAllBytes(project.resolve("completions/_bgfetch")),
                Files.readAllBytes(prefix.resolve("share/zsh/site-functions/_bgfetch")));
        assertArrayEquals(Files.readAllBytes(project.resolve("completions/bgfetch.fish")),
                Files.readAllBytes(prefix.resolve("share/fish/vendor_completions.d/bgfetch.fish")));

        // the systemd user unit runs this launcher's foreground daemon
        Path unit = prefix.resolve("share/systemd/user/bgfetch.service");
        String unitText = Files.readString(unit);
        assertTrue(unitText.contains("\nExecStart=\"" + bgfetch + "\" daemon run\n"), unitText);
        assertTrue(unitText.contains("\nRestart=on-failure\n"), unitText);
        if (onPath("systemd-analyze")) {
            Result verify = bg.runCommand(List.of("systemd-analyze", "verify", "--man=no", unit.toString()), new byte[0]);
            assertEquals("", verify.stderr(), () -> "systemd accepts the unit: " + verify.describe());
        }

        // installing again (an upgrade) works too
        Result again = bg.runCommand(List.of(script.toString(), "--prefix", prefix.toString()), new byte[0]);
        assertEquals(0, again.exit(), again::describe);

        Result uninstall = bg.runCommand(List.of(script.toString(), "--prefix", prefix.toString(), "--uninstall"),
                new byte[0]);
        assertEquals(0, uninstall.exit(), uninstall::describe);
        assertEquals(List.of(), regularFiles(prefix), "nothing is left under the prefix");
        Result twice = bg.runCommand(List.of(script.toString(), "--prefix", prefix.toString(), "--uninstall"),
                new byte[0]);
        assertEquals(1, twice.exit(), twice::describe);
    }

    private boolean onPath(String program) {
        return bg.runCommand(List.of("sh", "-c", "command -v \"$1\"", "sh", program), new byte[0]).exit() == 0;
    }

    private static List<Path> regularFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
