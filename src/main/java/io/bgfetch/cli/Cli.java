package io.bgfetch.cli;

import io.bgfetch.client.DaemonException;
import io.bgfetch.protocol.ExitCode;
import io.bgfetch.tui.TerminalText;
import java.io.IOException;
import picocli.CommandLine;

/**
 * Builds the picocli command line, for {@code main} and for tests alike, with the one place
 * where errors become a single {@code bgfetch: } line on stderr and an exit code. No stack
 * trace reaches the user (set BGFETCH_DEBUG=1 to see one).
 */
public final class Cli {
    private Cli() {
    }

    public static CommandLine create() {
        CommandLine cl = new CommandLine(new BgfetchCommand());
        documentExitCodes(cl);
        cl.setParameterExceptionHandler(Cli::usageError);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> failure(ex, commandLine));
        return cl;
    }

    /** Every command's help and man page lists the same exit statuses: {@link ExitCode}'s. */
    private static void documentExitCodes(CommandLine cl) {
        java.util.Map<String, String> codes = new java.util.LinkedHashMap<>();
        for (ExitCode c : ExitCode.values()) {
            codes.put(Integer.toString(c.code()), c.meaning());
        }
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit status:%n").exitCodeList(codes);
        cl.getSubcommands().values().forEach(Cli::documentExitCodes);
    }

    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        String command = cl.getCommandSpec().qualifiedName();
        cl.getErr().println("bgfetch: " + oneLine(ex.getMessage()) + " (see '" + command + " --help')");
        cl.getErr().flush();
        return ExitCode.USAGE.code();
    }

    private static int failure(Exception ex, CommandLine cl) {
        ExitCode code;
        String message;
        if (ex instanceof CliException e) {
            code = e.exitCode();
            message = e.getMessage();
        } else if (ex instanceof DaemonException e) {
            code = e.exitCode();
            message = e.getMessage();
        } else if (ex instanceof IOException e) {
            code = ExitCode.LOCAL_IO;
            message = e.getMessage();
        } else {
            code = ExitCode.FAILED;
            message = "internal error: " + ex;
        }
        cl.getErr().println("bgfetch: " + oneLine(message));
        if (System.getenv("BGFETCH_DEBUG") != null) {
            ex.printStackTrace(cl.getErr());
        }
        cl.getErr().flush();
        return code.code();
    }

    private static String oneLine(String message) {
        // Messages may quote a server (a reason phrase, a header): no escape sequence reaches the terminal.
        return message == null ? "failed" : TerminalText.sanitize(message.replaceAll("\\s*\\R\\s*", " ").strip());
    }
}
