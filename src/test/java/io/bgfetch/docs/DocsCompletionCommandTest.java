package io.bgfetch.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bgfetch.cli.Cli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code bgfetch completion SHELL} prints exactly the committed script (packaged from completions/). */
class DocsCompletionCommandTest {

    @ParameterizedTest
    @CsvSource({"bash, bgfetch.bash", "zsh, _bgfetch", "fish, bgfetch.fish"})
    void printsTheCommittedScript(String shell, String file) throws IOException {
        CommandLine cl = Cli.create();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));

        int code = cl.execute("completion", shell);

        assertEquals(0, code, "completion " + shell + " failed: " + err);
        String committed = Files.readString(Path.of("completions", file), StandardCharsets.UTF_8);
        assertEquals(committed, out.toString(),
                "'bgfetch completion " + shell + "' differs from completions/" + file
                        + " (run scripts/gen-docs; the build packages completions/ as /completions/)");
        assertEquals("", err.toString());
    }
}
