package io.bgfetch.testing;

import io.bgfetch.cli.Cli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs many bgfetch commands in one JVM, one per line of stdin (arguments separated by tabs), each
 * exactly as the launcher would run it: the same picocli command line, the same client, the same
 * socket. For tests that register hundreds of fetches, where a JVM start per command would take
 * minutes. Prints one line per failed command and exits 1 if any failed.
 *
 * <p>Run it with {@link #command} under an installation's environment ({@code BGFETCH_HOME}), after
 * the daemon was started through the launcher.
 */
public final class CommandBatch {

    private CommandBatch() {
    }

    /** The command line that runs this class against the launcher's jar and the test classes. */
    public static List<String> command(Bgfetch bg) {
        Path root = bg.launcher().toAbsolutePath().getParent().getParent();
        String testClasses;
        try {
            testClasses = Path.of(CommandBatch.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-XX:+UseSerialGC", "-cp", root.resolve("target/bgfetch.jar") + ":" + testClasses,
                CommandBatch.class.getName());
    }

    /** stdin for {@link #command}: one line per command. */
    public static byte[] input(List<List<String>> commands) {
        StringBuilder sb = new StringBuilder();
        for (List<String> args : commands) {
            sb.append(String.join("\t", args)).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> failures = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                continue;
            }
            StringWriter err = new StringWriter();
            CommandLine cl = Cli.create();
            cl.setOut(new PrintWriter(Writer.nullWriter()));
            cl.setErr(new PrintWriter(err));
            int exit = cl.execute(line.split("\t"));
            if (exit != 0) {
                failures.add("exit " + exit + " from [" + line.replace('\t', ' ') + "]: " + err.toString().strip());
            }
        }
        failures.forEach(System.out::println);
        System.exit(failures.isEmpty() ? 0 : 1);
    }
}
