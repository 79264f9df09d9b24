package io.bgfetch.tui;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;

/**
 * What the CLI needs to know about its terminal: whether stdout/stderr is one, whether to use
 * colour there, and how wide it is.
 *
 * <p>{@link #isTerminal} runs in every command, and the client must start in about 0.2 s, so it
 * resolves the link {@code /proc/self/fd/N} instead of loading JLine; a target
 * under {@code /dev/pts/}, {@code /dev/tty*} or {@code /dev/console} is a terminal. Where there
 * is no {@code /proc} it falls back to {@code System.console() != null}, which in Java 17 means
 * stdin and stdout are both terminals: the best the JDK offers without native code.
 *
 * <p>{@link #columns} runs {@code stty size} on {@code /dev/tty}, only for the progress display.
 * JLine is not used here on purpose: its system terminal on this classpath is the "exec"
 * provider, which runs the same {@code stty}, but by default it also installs its own handlers
 * for INT, WINCH and other signals while it is open; and where {@code /dev/tty} cannot be opened JLine could only build a dumb
 * terminal, whose width is unknown anyway.
 *
 * <p>The static methods use the real environment; tests build an instance with their own
 * environment through the package-private constructor.
 */
public final class TerminalInfo {

    public static final int DEFAULT_COLUMNS = 80;

    private static final File PROC_FD = new File("/proc/self/fd");
    private static final TerminalInfo SYSTEM;

    static {
        // A named class instead of method references: the first lambda in a JVM costs about 5 ms
        // of invokedynamic bootstrap, and this runs at the start of every command.
        SystemProbe probe = new SystemProbe();
        SYSTEM = new TerminalInfo(probe, probe, probe);
    }

    private final Function<String, String> env;
    private final IntPredicate terminal;
    private final IntSupplier ttyColumns;

    /**
     * @param env        environment lookup (null for unset)
     * @param terminal   whether a file descriptor is a terminal
     * @param ttyColumns the terminal's width, or 0 or less when unknown
     */
    TerminalInfo(Function<String, String> env, IntPredicate terminal, IntSupplier ttyColumns) {
        this.env = env;
        this.terminal = terminal;
        this.ttyColumns = ttyColumns;
    }

    /** @return the instance the static methods use, for code that wants to pass it around */
    public static TerminalInfo system() {
        return SYSTEM;
    }

    /** @param fd 1 for stdout, 2 for stderr (0 for stdin also works) */
    public static boolean isTerminal(int fd) {
        return SYSTEM.terminal(fd);
    }

    /** Colour on {@code fd}: a terminal, {@code NO_COLOR} unset or empty, {@code TERM} not dumb. */
    public static boolean colorEnabled(int fd) {
        return SYSTEM.color(fd);
    }

    /** @return {@code COLUMNS} when set, else the terminal's width, else 80; may run a process */
    public static int columns() {
        return SYSTEM.width();
    }

    public boolean terminal(int fd) {
        return terminal.test(fd);
    }

    public boolean color(int fd) {
        String noColor = env.apply("NO_COLOR");
        if (noColor != null && !noColor.isEmpty()) {
            return false; // https://no-color.org: any non-empty value
        }
        if ("dumb".equals(env.apply("TERM"))) {
            return false;
        }
        return terminal(fd);
    }

    public int width() {
        String columns = env.apply("COLUMNS");
        if (columns != null) {
            try {
                int n = Integer.parseInt(columns.strip());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // a bad COLUMNS is treated as unset
            }
        }
        int n = ttyColumns.getAsInt();
        return n > 0 ? n : DEFAULT_COLUMNS;
    }

    /** Package-private so that the classification can be tested without a terminal. */
    static boolean isTerminalDevice(String linkTarget) {
        return linkTarget.startsWith("/dev/pts/")
                || linkTarget.startsWith("/dev/tty")
                || linkTarget.equals("/dev/console");
    }

    private static boolean systemIsTerminal(int fd) {
        if (PROC_FD.isDirectory()) {
            try {
                // java.io rather than Files.readSymbolicLink: it needs no NIO file system classes,
                // which saves another millisecond or two at start-up. A closed descriptor has no
                // link and resolves to a /proc path, which is no terminal.
                return isTerminalDevice(new File(PROC_FD, Integer.toString(fd)).getCanonicalPath());
            } catch (IOException e) {
                return false;
            }
        }
        return System.console() != null;
    }

    private static int sttyColumns() {
        File tty = new File("/dev/tty");
        if (!tty.exists()) {
            return 0;
        }
        Process process = null;
        try {
            process = new ProcessBuilder("stty", "size")
                    .redirectInput(tty)
                    .redirectError(Redirect.DISCARD)
                    .start();
            String line;
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
                line = r.readLine();
            }
            if (!process.waitFor(1, TimeUnit.SECONDS) || process.exitValue() != 0 || line == null) {
                return 0;
            }
            String[] rowsAndColumns = line.strip().split("\\s+"); // "rows columns"
            return rowsAndColumns.length == 2 ? Integer.parseInt(rowsAndColumns[1]) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0; // no controlling terminal, or no stty
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            if (process != null) {
                process.destroy();
            }
        }
    }

    /** The real environment, descriptors and terminal size. */
    private static final class SystemProbe implements Function<String, String>, IntPredicate, IntSupplier {

        @Override
        public String apply(String name) {
            return System.getenv(name);
        }

        @Override
        public boolean test(int fd) {
            return systemIsTerminal(fd);
        }

        @Override
        public int getAsInt() {
            return sttyColumns();
        }
    }
}
