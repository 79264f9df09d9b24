package io.bgfetch.cli;

import io.bgfetch.client.DaemonException;
import io.bgfetch.protocol.ExitCode;
import io.bgfetch.tui.TerminalText;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * Builds the picocli command line, for {@code main} and for tests alike, with the one place
 * where errors become a single {@code bgfetch: } line on stderr and an exit code. No stack
 * trace reaches the user (set BGFETCH_DEBUG=1 to see one).
 */
public final class Cli {
    /** The subcommands' names, in the order help lists them (see {@link #newCommand}). */
    static final List<String> COMMANDS = List.of("fetch", "list", "status", "wait", "abort", "pause", "resume",
            "match", "rm", "daemon", "completion");

    /**
     * picocli registers converters for java.time and java.sql types by reflection at every
     * start; initialising those classes (java.time's formatters above all) costs a client
     * start-up more than a few commands' models. No option of ours has such a type (durations
     * have their own converter), so they are left out.
     */
    private static final String CONVERTER_EXCLUDES = "picocli.converters.excludes";
    private static final String UNUSED_CONVERTERS = "java\\.time\\..*|java\\.sql\\..*";

    private Cli() {
    }

    /**
     * Runs {@code args} as {@code main} does: the everyday forms of the hot commands without
     * picocli ({@link DirectArgs}), anything else through {@link #forArgs}, with picocli's own writers.
     */
    public static int run(String[] args) {
        ClientCommand direct = DirectArgs.parse(args);
        if (direct == null) {
            return forArgs(args).execute(args);
        }
        return runDirect(direct, PlainWriters.stdout(), PlainWriters.stderr());
    }

    /** Like {@link #run(String[])}, with these writers for the command's output and errors. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        ClientCommand direct = DirectArgs.parse(args);
        if (direct == null) {
            CommandLine cl = forArgs(args);
            cl.setOut(out);
            cl.setErr(err);
            return cl.execute(args);
        }
        return runDirect(direct, out, err);
    }

    /** As picocli runs a command: its result is the exit status; an exception becomes {@link #failure}. */
    private static int runDirect(ClientCommand command, PrintWriter out, PrintWriter err) {
        command.writers(out, err);
        try {
            return command.call();
        } catch (Exception e) {
            return failure(e, err);
        }
    }

    /** The whole command line, every subcommand in it: for help, the completion scripts, man pages and tests. */
    public static CommandLine create() {
        return build(COMMANDS);
    }

    /**
     * The command line that runs {@code args}. When they start with a command's name, only that
     * command's model is built: picocli reads every command's annotations by reflection, and all
     * eleven cost a client more start-up time than the rest of {@code bgfetch list}. Anything else
     * ({@code --help}, {@code --version}, a misspelt command) gets the whole command line, so its
     * help and "did you mean" are complete.
     */
    public static CommandLine forArgs(String... args) {
        return build(args.length > 0 && COMMANDS.contains(args[0]) ? List.of(args[0]) : COMMANDS);
    }

    private static CommandLine build(List<String> commands) {
        if (System.getProperty(CONVERTER_EXCLUDES) == null) {
            System.setProperty(CONVERTER_EXCLUDES, UNUSED_CONVERTERS);
        }
        CommandLine cl = new CommandLine(new BgfetchCommand());
        for (String name : commands) {
            cl.addSubcommand(newCommand(name));
        }
        documentExitCodes(cl);
        cl.setParameterExceptionHandler(Cli::usageError);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> failure(ex, commandLine.getErr()));
        return cl;
    }

    /** A switch, not a table of constructor references: a lambda's first use costs a client start-up. */
    private static Object newCommand(String name) {
        return switch (name) {
            case "fetch" -> new FetchCommand();
            case "list" -> new ListCommand();
            case "status" -> new StatusCommand();
            case "wait" -> new WaitCommand();
            case "abort" -> new AbortCommand();
            case "pause" -> new PauseCommand();
            case "resume" -> new ResumeCommand();
            case "match" -> new MatchCommand();
            case "rm" -> new RmCommand();
            case "daemon" -> new DaemonCommand();
            case "completion" -> new CompletionCommand();
            default -> throw new IllegalArgumentException("no command " + name);
        };
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

    private static int failure(Exception ex, PrintWriter err) {
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
        err.println("bgfetch: " + oneLine(message));
        if (System.getenv("BGFETCH_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code.code();
    }

    private static String oneLine(String message) {
        // Messages may quote a server (a reason phrase, a header): no escape sequence reaches the terminal.
        return message == null ? "failed" : TerminalText.sanitize(message.replaceAll("\\s*\\R\\s*", " ").strip());
    }
}
