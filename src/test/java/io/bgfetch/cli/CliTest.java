package io.bgfetch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A run builds only the command it runs ({@link Cli#forArgs}), and that command is the same one
 * the whole command line (help, docs, completion) has.
 */
class CliTest {

    @Test
    void aRunOfACommandBuildsThatCommandOnly() {
        for (String name : Cli.COMMANDS) {
            CommandLine cl = Cli.forArgs(name, "--some-option");
            assertEquals(List.of(name), List.copyOf(cl.getSubcommands().keySet()), name);
        }
    }

    @Test
    void theCommandBuiltAloneIsTheCommandOfTheWholeLine() {
        CommandLine whole = Cli.create();
        assertEquals(Cli.COMMANDS, List.copyOf(whole.getSubcommands().keySet()), "the help's order");
        for (String name : Cli.COMMANDS) {
            CommandLine alone = Cli.forArgs(name).getSubcommands().get(name);
            assertEquals(usage(whole.getSubcommands().get(name)), usage(alone), name);
            assertEquals(whole.getSubcommands().get(name).getCommandSpec().usageMessage().exitCodeList(),
                    alone.getCommandSpec().usageMessage().exitCodeList(), name);
        }
    }

    @Test
    void anythingElseGetsTheWholeCommandLine() {
        for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"-V"},
                new String[] {"lis"}, new String[] {"--json", "list"})) {
            assertEquals(Cli.COMMANDS, List.copyOf(Cli.forArgs(args).getSubcommands().keySet()), String.join(" ", args));
        }
    }

    @Test
    void aMisspeltCommandIsStillAOneLineUsageError() {
        CommandLine cl = Cli.forArgs("lsit");
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("lsit"));
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertEquals(true, err.toString().startsWith("bgfetch: "), err.toString());
    }

    private static String usage(CommandLine cl) {
        return cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }
}
