package io.bgfetch.cli;

import io.bgfetch.protocol.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bgfetch completion bash|zsh|fish}: prints the script shipped in {@code completions/}. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print the shell completion script (the same as in completions/).",
            "bash: source <(bgfetch completion bash)   zsh: bgfetch completion zsh > \"$${fpath[1]}/_bgfetch\"   "
                + "fish: bgfetch completion fish > ~/.config/fish/completions/bgfetch.fish"})
final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh, fish }

    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash, zsh or fish.")
    Shell shell;

    @Override
    public Integer call() throws IOException {
        String file = switch (shell) {
            case bash -> "bgfetch.bash";
            case zsh -> "_bgfetch";
            case fish -> "bgfetch.fish";
        };
        try (InputStream in = CompletionCommand.class.getResourceAsStream("/completions/" + file)) {
            if (in == null) {
                throw new CliException(ExitCode.FAILED, "this build has no " + shell + " completion script");
            }
            spec.commandLine().getOut().print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            spec.commandLine().getOut().flush();
        }
        return ExitCode.OK.code();
    }
}
