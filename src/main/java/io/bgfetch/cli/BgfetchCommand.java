package io.bgfetch.cli;

import io.bgfetch.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * The top-level {@code bgfetch} command: only its subcommands do anything. They are added by
 * {@link Cli}, all of them for help and the docs, only the one invoked for a run.
 */
@Command(name = "bgfetch",
        mixinStandardHelpOptions = true,
        versionProvider = BgfetchCommand.VersionProvider.class,
        description = {
            "Background Fetch for the terminal: hand a batch of downloads to a detached worker daemon, "
                + "which transfers them in resumable chunks, survives network loss, daemon kills and reboots, "
                + "and keeps the responses for you to read with 'bgfetch match'.",
            "",
            "State lives in BGFETCH_HOME (default: $XDG_DATA_HOME/bgfetch, else ~/.local/share/bgfetch)."
        },
        synopsisSubcommandLabel = "COMMAND",
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  BGFETCH_HOME   where the database, stored bodies, socket and log live",
            "  NO_COLOR       set (to a non-empty value) to turn colour off"
        })
public final class BgfetchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** {@code --version}: the jar's version. */
    public static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bgfetch " + Version.get()};
        }
    }
}
