package io.bgfetch.cli;

import io.bgfetch.Version;
import io.bgfetch.client.DaemonClient;
import io.bgfetch.home.BgfetchHome;
import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.JsonRecords;
import io.bgfetch.tui.TerminalText;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The small base of every command that talks to the daemon: build a request, send it, print
 * the reply. Output goes through picocli's writers so tests can capture it.
 */
abstract class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption jsonOption;

    /** The writers of a command run without picocli ({@link DirectArgs}); null under picocli. */
    private PrintWriter out;
    private PrintWriter err;

    void writers(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    boolean json() {
        return jsonOption.json;
    }

    DaemonClient client() {
        return new DaemonClient(BgfetchHome.fromEnvironment(), Version.get());
    }

    PrintWriter out() {
        return out != null ? out : spec.commandLine().getOut();
    }

    PrintWriter err() {
        return err != null ? err : spec.commandLine().getErr();
    }

    /** Prints one JSON document and a newline on stdout. */
    void printJson(Object value) {
        try {
            out().println(JsonRecords.toJson(value));
            out().flush();
        } catch (IOException e) {
            throw new CliException(ExitCode.LOCAL_IO, "cannot write JSON: " + e.getMessage());
        }
    }

    /** A human note on stderr, prefixed like every message of ours; server text in it is made harmless. */
    void note(String message) {
        err().println("bgfetch: " + TerminalText.sanitize(message));
        err().flush();
    }
}
