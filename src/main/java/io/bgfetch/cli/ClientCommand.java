package io.bgfetch.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import io.bgfetch.Version;
import io.bgfetch.client.DaemonClient;
import io.bgfetch.home.BgfetchHome;
import io.bgfetch.protocol.RecordInfo;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.WireCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The small base of every command that talks to the daemon: build a request, send it, print
 * the reply. Output goes through picocli's writers so tests can capture it.
 */
abstract class ClientCommand implements Callable<Integer> {
    private static final JSON JSON_OUT = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption jsonOption;

    boolean json() {
        return jsonOption.json;
    }

    DaemonClient client() {
        return new DaemonClient(BgfetchHome.fromEnvironment(), Version.get());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints one JSON document and a newline on stdout. */
    void printJson(Object value) {
        try {
            out().println(JSON_OUT.asString(value));
            out().flush();
        } catch (IOException e) {
            throw new CliException(6, "cannot write JSON: " + e.getMessage());
        }
    }

    /** A human note on stderr, prefixed like every message of ours. */
    void note(String message) {
        err().println("bgfetch: " + message);
        err().flush();
    }

    static Registration registration(Object data) {
        try {
            return WireCodec.convert(data, Registration.class);
        } catch (IOException e) {
            throw new CliException(5, "unreadable reply from the daemon: " + e.getMessage());
        }
    }

    static List<Registration> registrations(Object data) {
        List<Registration> out = new ArrayList<>();
        for (Object item : (List<?>) data) {
            out.add(registration(item));
        }
        return out;
    }

    static RecordInfo record(Object data) {
        try {
            return WireCodec.convert(data, RecordInfo.class);
        } catch (IOException e) {
            throw new CliException(5, "unreadable reply from the daemon: " + e.getMessage());
        }
    }
}
