package io.bgfetch.cli;

import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.RecordInfo;
import io.bgfetch.protocol.Request;
import io.bgfetch.tui.HumanFormat;
import io.bgfetch.tui.TerminalText;
import io.bgfetch.tui.TextTable;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bgfetch match}: reads stored responses. The body is copied straight from the store's
 * file; while it is still arriving the daemon says how far it is readable and this follows.
 */
@Command(name = "match", mixinStandardHelpOptions = true,
        description = {
            "Read a stored response: with a URL, write that record's body to stdout (or -o FILE), following it "
                + "while it is still arriving; without one (or with --all), list every record of the fetch.",
            "A record with no body to give (failed, aborted, or still arriving with --no-wait) exits 3 with nothing on stdout.",
            "If a body being followed starts again from zero on the server (a new version), -o FILE is written again "
                + "from the start; on stdout, which cannot take bytes back, match stops and exits 1 rather than write "
                + "two versions spliced."
        })
final class MatchCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The fetch.")
    String id;

    @Parameters(index = "1", paramLabel = "URL", arity = "0..1", description = "The request's URL.")
    String url;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the body to FILE instead of stdout.")
    Path output;

    @Option(names = "--path", description = "Print the stored body's file path instead of the body.")
    boolean path;

    @Option(names = "--headers", description = "Print the status line and headers (on stderr with a body; alone with --json).")
    boolean headers;

    @Option(names = "--ignore-search", description = "Ignore the query string when matching the URL.")
    boolean ignoreSearch;

    @Option(names = "--no-wait", description = "Fail (exit 3) instead of waiting for a body that is still arriving.")
    boolean noWait;

    @Option(names = "--all", description = "List every record (matchAll), even with a URL.")
    boolean all;

    @Override
    public Integer call() {
        if (url == null || all) {
            return matchAll();
        }
        RecordInfo r = client().call(new Request.Match(id, url, ignoreSearch));
        if (json()) {
            printJson(r);
            return ExitCode.OK.code();
        }
        if (r.isFailed()) {
            throw noBody(r, "it failed" + (r.error().isEmpty() ? "" : ": " + r.error()));
        }
        if (!r.isDone() && noWait) {
            throw noBody(r, "it is still arriving (--no-wait)");
        }
        if (r.isDone() && r.path() == null) {
            // --dest placed the body and the user has since changed or removed that file
            throw noBody(r, r.error().isEmpty() ? "its file is gone" : r.error());
        }
        if (path) {
            RecordInfo done = r.isDone() ? r : follow(null);
            out().println(done.path());
            out().flush();
            return ExitCode.OK.code();
        }
        writeBody(r);
        return ExitCode.OK.code();
    }

    private int matchAll() {
        List<RecordInfo> records = client().call(new Request.Records(id));
        if (json()) {
            printJson(records);
            return ExitCode.OK.code();
        }
        TextTable table = new TextTable("URL", "STATE", "STATUS", "SIZE").align(2, TextTable.Align.RIGHT)
                .align(3, TextTable.Align.RIGHT);
        for (RecordInfo r : records) {
            table.row(r.url(), r.state(), r.status() == 0 ? "" : Integer.toString(r.status()),
                    HumanFormat.bytes(r.isDone() ? r.downloaded() : r.downloaded()));
        }
        out().print(table.render());
        out().flush();
        return ExitCode.OK.code();
    }

    /** Copies the body to stdout or -o; while it arrives, copies each newly readable part. */
    private void writeBody(RecordInfo first) {
        try (FileChannel file = output == null ? null : FileChannel.open(output, StandardOpenOption.CREATE,
                     StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             OutputStream stdout = output == null ? new FileOutputStream(FileDescriptor.out) : null) {
            WritableByteChannel target = file != null ? file : Channels.newChannel(stdout);
            if (first.isDone()) {
                printHeaders(first);
                copy(currentPath(first), 0, first.downloaded(), target);
            } else {
                follow(new FollowedBody(file, target, output != null ? output.toString() : "stdout",
                        () -> client().call(new Request.Match(id, url, ignoreSearch)), this::currentPath,
                        this::printHeaders, this::note));
            }
            if (stdout != null) {
                stdout.flush();
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.LOCAL_IO, "cannot write " + (output != null ? output : "to stdout") + ": " + e.getMessage());
        }
    }

    /**
     * Follows a record until it ends, handing each snapshot to {@code body} when given (which
     * copies what became readable, and never a splice). Returns the final record; a failure is exit 3.
     */
    private RecordInfo follow(FollowedBody body) {
        RecordInfo[] last = new RecordInfo[1];
        client().stream(new Request.Follow(id, url, ignoreSearch), r -> {
            last[0] = r;
            if (body != null) {
                body.accept(r);
            }
            return true;
        });
        RecordInfo end = last[0];
        if (end == null || end.isFailed()) {
            throw noBody(end, end == null ? "the daemon ended the stream" : "it failed: " + end.error());
        }
        return end;
    }

    /**
     * The file to read now: a {@code --dest} body arrives in a part file that is renamed into
     * place when its fetch succeeds, maybe between the daemon's answer and this read; then the
     * daemon is asked again where the body is.
     */
    private Path currentPath(RecordInfo r) {
        Path p = Path.of(r.path());
        if (Files.exists(p)) {
            return p;
        }
        RecordInfo now = client().call(new Request.Match(id, url, ignoreSearch));
        if (now.path() == null) {
            throw noBody(now, now.error().isEmpty() ? "its file is gone" : now.error());
        }
        return Path.of(now.path());
    }

    private void printHeaders(RecordInfo r) {
        if (!headers) {
            return;
        }
        // The server chose these bytes: nothing in them may drive the terminal.
        err().println("HTTP/1.1 " + r.status() + (r.statusText().isEmpty() ? "" : " " + TerminalText.sanitize(r.statusText())));
        for (Map.Entry<String, String> h : r.headers().entrySet()) {
            err().println(TerminalText.sanitize(h.getKey()) + ": " + TerminalText.sanitize(h.getValue()));
        }
        err().println();
        err().flush();
    }

    private static void copy(Path file, long from, long count, WritableByteChannel target) throws IOException {
        if (count <= 0) {
            return;
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long done = 0;
            while (done < count) {
                long n = in.transferTo(from + done, count - done, target);
                if (n <= 0) {
                    throw new IOException("the stored body " + file + " is shorter than recorded");
                }
                done += n;
            }
        }
    }

    private CliException noBody(RecordInfo r, String why) {
        return new CliException(ExitCode.NOT_FOUND, "no body for " + (r == null ? url : r.url()) + ": " + why);
    }
}
