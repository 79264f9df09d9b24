package io.bgfetch.docs;

import java.util.List;
import java.util.Map;

/**
 * What the man pages say beyond the command model: environment, files, the input format,
 * failure reasons, examples and cross references. The commands, options, descriptions and
 * exit statuses come from {@code Cli.create()}; this is the rest of the contract
 * (docs/CLI.md), which the code cannot describe about itself.
 */
final class ManPageText {
    private ManPageText() {
    }

    /** A block of a section: prose (plain text), a tagged entry, or literal lines. */
    sealed interface Block permits Prose, Entry, Literal {
    }

    record Prose(String text) implements Block {
    }

    /** A tagged paragraph; the tag is set in bold, or in italics when it is a path. */
    record Entry(String tag, String text) implements Block {
    }

    record Literal(List<String> lines) implements Block {
        Literal(String... lines) {
            this(List.of(lines));
        }
    }

    record Section(String title, List<Block> blocks) {
    }

    // ---- ENVIRONMENT -----------------------------------------------------------------------

    static final List<Block> ENVIRONMENT = List.of(
            new Entry("BGFETCH_HOME", "The root of everything: database, stored bodies, socket, lock and log. "
                    + "Default: $XDG_DATA_HOME/bgfetch, else ~/.local/share/bgfetch. Two different homes are two "
                    + "independent installations, each with its own daemon. It may be long and may contain spaces."),
            new Entry("NO_COLOR", "Set to a non-empty value to turn colour off. Colour is only ever used on a terminal."),
            new Entry("BGFETCH_DEBUG", "Set to anything to add a stack trace to error messages (and to the daemon's log)."));

    /** Read by the daemon when it starts; for bgfetch(1) and bgfetch-daemon(1). */
    static final List<Block> TUNING = List.of(
            new Prose("The daemon reads these when it starts; a daemon started by a client inherits that client's "
                    + "environment. Durations are written 500ms, 30s, 10m, 2h or 7d (a bare number is seconds); sizes "
                    + "as for --download-total (4MiB, 500K, 10GB). The defaults suit real use."),
            new Entry("BGFETCH_BACKOFF_BASE", "The first delay before retrying after a transient error (default 1s). "
                    + "It doubles with each failed attempt, with random jitter, up to BGFETCH_BACKOFF_MAX; a "
                    + "Retry-After from the server takes precedence."),
            new Entry("BGFETCH_BACKOFF_MAX", "The longest single retry delay (default 5m)."),
            new Entry("BGFETCH_STALL_TIMEOUT", "A connection that delivers no body byte for this long is dropped, "
                    + "and the body resumes from where it stopped (default 30s)."),
            new Entry("BGFETCH_CONNECT_TIMEOUT", "TCP connect timeout (default 30s)."),
            new Entry("BGFETCH_CHECKPOINT_BYTES", "The block size: each connection records its progress, with the "
                    + "block's CRC32C, at least this often (default 4MiB, at least 64KiB), which bounds what a killed "
                    + "daemon downloads again."),
            new Entry("BGFETCH_SYNC_INTERVAL", "A body's written bytes are fsynced and marked durable at least this "
                    + "often (default 5s)..."),
            new Entry("BGFETCH_SYNC_BYTES", "...or after this many bytes of it, whichever comes first (default 1GiB, "
                    + "at least 64KiB), which bounds what a power loss makes the daemon download again. A complete body "
                    + "is fsynced just after its record is done; after an unclean stop the next daemon checks what was "
                    + "not yet durable against its checksums before it answers."),
            new Entry("BGFETCH_QUOTA", "The most body bytes the store may hold (default: no limit). A body that "
                    + "does not fit fails its fetch with quota-exceeded."),
            new Entry("BGFETCH_MAX_TRANSFERS", "The most records transferred at once over all fetches (default 16); "
                    + "the others wait their turn, shared fairly between fetches."),
            new Entry("BGFETCH_LOG_MAX", "The size at which daemon.log is rotated (default 1MiB, at least 4KiB); "
                    + "two old logs are kept."));

    // ---- FILES -----------------------------------------------------------------------------

    static final List<Block> FILES = List.of(
            new Entry("$BGFETCH_HOME/bgfetch.db", "The SQLite database: fetches, records, response headers, "
                    + "progress and pending hooks."),
            new Entry("$BGFETCH_HOME/store/", "The stored response bodies, one file per record, under internal "
                    + "names (an ID is never used as a file name)."),
            new Entry("$BGFETCH_HOME/daemon.sock", "The daemon's Unix socket; it accepts connections only from the "
                    + "user who owns the daemon. When the home's path is too long for a socket address, the socket "
                    + "is $XDG_RUNTIME_DIR/bgfetch/<hash>.sock, or /tmp/bgfetch-<uid>/<hash>.sock, and "
                    + "daemon.sock is a symbolic link to it. That directory must be yours, a real directory and "
                    + "closed to others (0700): otherwise the client refuses to connect (exit 5)."),
            new Entry("$BGFETCH_HOME/daemon.log", "The log of a daemon started in the background (with what the JVM "
                    + "itself prints), and the output of the --on-success, --on-fail and --on-abort commands. Beyond "
                    + "BGFETCH_LOG_MAX it is rotated to daemon.log.1 and daemon.log.2."),
            new Entry("$BGFETCH_HOME/daemon.pid", "The running daemon's process ID."),
            new Entry("$BGFETCH_HOME/daemon.lock", "Held by the running daemon for its whole life: one daemon per home."),
            new Prose("Everything under BGFETCH_HOME is readable by its owner only (directories 0700, files 0600): "
                    + "stored headers may hold credentials."));

    // ---- extra sections per page -----------------------------------------------------------

    private static final Section INPUT_FILE = new Section("INPUT FILE", List.of(
            new Prose("A --input file holds one request per line: a URL, then optional key=value words. "
                    + "Blank lines and lines starting with # are ignored. Keys:"),
            new Entry("integrity=sha256-<base64>", "The body's SHA-256 in Subresource Integrity form."),
            new Entry("sha256=<hex>", "The body's SHA-256 in hexadecimal."),
            new Entry("out=<name>", "The file name under --dest (a relative name)."),
            new Prose("A body that does not match its digest is downloaded once more from the start; if that does "
                    + "not match either, the record fails with fetch-error."),
            new Literal(
                    "# release 1.2",
                    "https://example.org/app-1.2.tar.gz sha256=5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
                    "https://example.org/notes?v=1.2 out=release-notes.html")));

    private static final Section FAILURE_REASONS = new Section("RESULTS AND FAILURE REASONS", List.of(
            new Prose("A fetch ends with result success or failure. A failed fetch has a failureReason, the reason "
                    + "its first failed record failed for, or the reason it was stopped:"),
            new Entry("bad-status", "A response outside 200-299 (after redirects) that is not transient. That "
                    + "record fails, the other records go on, and the records that succeeded stay matchable."),
            new Entry("fetch-error", "A network error that outlasted --retry-for, a body that failed its integrity "
                    + "check twice, or a body that could not be written or placed under --dest."),
            new Entry("download-total-exceeded", "More bytes arrived than --download-total. The whole fetch stops "
                    + "and nothing of it is kept."),
            new Entry("quota-exceeded", "The disk, or BGFETCH_QUOTA, cannot hold a body. The fetch stops; records "
                    + "already complete stay matchable."),
            new Entry("aborted", "By bgfetch abort. Nothing of it is kept."),
            new Prose("Transient errors (HTTP 408, 429, 500, 502, 503 and 504, refused or reset connections, "
                    + "timeouts, a body shorter than announced, a stalled connection) are retried with exponential "
                    + "backoff and jitter, honouring Retry-After, for up to --retry-for, counted from the first "
                    + "failure since the body last made progress. A retry resumes from the bytes already stored, "
                    + "but only when the server proves it is the same resource (Range with If-Range and a strong "
                    + "ETag or a Last-Modified date); a 200 answer or a mismatched Content-Range starts the body "
                    + "again from zero. A stored body is never a splice of two versions.")));

    private static final Section HOOKS = new Section("HOOKS", List.of(
            new Prose("The daemon runs --on-success, --on-fail and --on-abort commands through /bin/sh -c, even when "
                    + "no terminal is open, in the --dest directory if there is one (else in BGFETCH_HOME), with "
                    + "their output appended to daemon.log. Facts about the fetch are passed in the environment, "
                    + "never spliced into the command:"),
            new Entry("BGFETCH_ID", "The fetch's ID."),
            new Entry("BGFETCH_RESULT", "success or failure."),
            new Entry("BGFETCH_FAILURE_REASON", "The failure reason, or empty."),
            new Entry("BGFETCH_DOWNLOADED", "Bytes stored for the fetch."),
            new Entry("BGFETCH_DEST", "The --dest directory, or empty."),
            new Entry("BGFETCH_HOME", "The home of the daemon that ran the fetch."),
            new Prose("A hook runs at least once: a daemon that died before running it runs it on its next start.")));

    /** Paragraphs added to a page's DESCRIPTION, after the command's own description. */
    static List<Block> extraDescription(String page) {
        return switch (page) {
            case "bgfetch" -> List.of(
                    new Prose("A fetch is a job with an ID of your choosing that groups one or more requests. The "
                            + "daemon downloads them in the background and keeps each response (status, headers and "
                            + "body) as a record, until bgfetch rm. The daemon is started when a command needs it; "
                            + "it goes on after the terminal is closed, and resumes unfinished fetches from the bytes "
                            + "already on disk after a network outage, a SIGKILL or a reboot."),
                    new Prose("Every command accepts --json (one JSON document on stdout and nothing else there) and "
                            + "-h, --help. Messages and errors go to stderr, prefixed 'bgfetch: '."));
            case "bgfetch-daemon" -> List.of(
                    new Prose("There is at most one daemon per BGFETCH_HOME. Any command that needs it starts it, "
                            + "detached from the terminal, when none is running; clients racing to start it end up "
                            + "with one daemon. It accepts connections only from the user who owns it."),
                    new Prose("On start it resumes every unfinished fetch from the bytes already stored, whether the "
                            + "previous daemon was stopped, killed with SIGKILL or lost to a power cut, and runs the "
                            + "hooks a previous daemon did not get to run."),
                    new Prose("daemon status --json prints {\"pid\", \"version\", \"uptimeSeconds\", \"socket\", "
                            + "\"home\", \"active\"}, active being the number of fetches it is running (paused ones not counted)."));
            default -> List.of();
        };
    }

    static List<Section> extraSections(String page) {
        return switch (page) {
            case "bgfetch-fetch" -> List.of(INPUT_FILE, HOOKS, FAILURE_REASONS);
            default -> List.of();
        };
    }

    // ---- EXAMPLES --------------------------------------------------------------------------

    static final Map<String, List<Block>> EXAMPLES = Map.ofEntries(
            Map.entry("bgfetch", List.of(
                    new Prose("Download two files in the background, then follow them:"),
                    new Literal("bgfetch fetch -t 'Episode 42' podcast-42 https://example.org/42.mp3 https://example.org/42.jpg",
                            "bgfetch status --watch"),
                    new Prose("Read a stored body:"),
                    new Literal("bgfetch match podcast-42 https://example.org/42.mp3 > 42.mp3"),
                    new Prose("Download into a directory and wait for the result:"),
                    new Literal("bgfetch fetch --wait --dest ~/Downloads iso https://example.org/debian.iso"))),
            Map.entry("bgfetch-fetch", List.of(
                    new Prose("Queue two requests under one ID and return at once:"),
                    new Literal("bgfetch fetch -t 'Episode 42' podcast-42 https://example.org/42.mp3 https://example.org/42.jpg"),
                    new Prose("Download the requests listed in a file into ~/Downloads, with a live progress display, "
                            + "and exit with the fetch's result:"),
                    new Literal("bgfetch fetch --wait --dest ~/Downloads -i release.txt release-1.2"),
                    new Prose("Log the result from a hook, which runs even when no terminal is open:"),
                    new Literal("bgfetch fetch --dest ~/Downloads \\",
                            "    --on-success 'echo \"$BGFETCH_ID: $BGFETCH_DOWNLOADED bytes\" >> ~/fetches.log' \\",
                            "    --on-fail 'echo \"$BGFETCH_ID failed: $BGFETCH_FAILURE_REASON\" >> ~/fetches.log' \\",
                            "    iso https://example.org/debian.iso"),
                    new Prose("Four connections for one large file, at most 10 MiB/s, giving up after two hours of errors:"),
                    new Literal("bgfetch fetch -c 4 --limit-rate 10M --retry-for 2h iso https://example.org/debian.iso"))),
            Map.entry("bgfetch-list", List.of(
                    new Literal("bgfetch list", "bgfetch list -l --all", "bgfetch list --json"))),
            Map.entry("bgfetch-status", List.of(
                    new Literal("bgfetch status podcast-42", "bgfetch status --watch", "bgfetch status --json podcast-42"))),
            Map.entry("bgfetch-abort", List.of(new Literal("bgfetch abort podcast-42"))),
            Map.entry("bgfetch-pause", List.of(new Literal("bgfetch pause podcast-42", "bgfetch resume podcast-42"))),
            Map.entry("bgfetch-resume", List.of(new Literal("bgfetch pause podcast-42", "bgfetch resume podcast-42"))),
            Map.entry("bgfetch-match", List.of(
                    new Prose("Every record of a fetch, then one body into a file, its stored path, and its "
                            + "status line and headers:"),
                    new Literal("bgfetch match podcast-42",
                            "bgfetch match podcast-42 https://example.org/42.mp3 -o 42.mp3",
                            "bgfetch match --path podcast-42 https://example.org/42.mp3",
                            "bgfetch match --headers podcast-42 https://example.org/42.jpg > 42.jpg"),
                    new Prose("Play a body while it is still arriving:"),
                    new Literal("bgfetch match podcast-42 https://example.org/42.mp3 | mpv -"))),
            Map.entry("bgfetch-rm", List.of(new Literal("bgfetch rm podcast-42 podcast-41"))),
            Map.entry("bgfetch-daemon", List.of(
                    new Literal("bgfetch daemon status --json", "bgfetch daemon stop"),
                    new Prose("A systemd user service (the daemon stops gracefully on SIGTERM):"),
                    new Literal("[Service]", "ExecStart=/path/to/bgfetch daemon run"))),
            Map.entry("bgfetch-completion", List.of(
                    new Literal("source <(bgfetch completion bash)",
                            "bgfetch completion zsh > \"${fpath[1]}/_bgfetch\"",
                            "bgfetch completion fish > ~/.config/fish/completions/bgfetch.fish"))));

    // ---- SEE ALSO --------------------------------------------------------------------------

    /** Pages related to each page, besides bgfetch(1). */
    static final Map<String, List<String>> RELATED = Map.of(
            "bgfetch-fetch", List.of("bgfetch-status", "bgfetch-match", "bgfetch-daemon"),
            "bgfetch-list", List.of("bgfetch-status"),
            "bgfetch-status", List.of("bgfetch-list", "bgfetch-fetch"),
            "bgfetch-abort", List.of("bgfetch-pause", "bgfetch-rm"),
            "bgfetch-pause", List.of("bgfetch-resume", "bgfetch-abort"),
            "bgfetch-resume", List.of("bgfetch-pause"),
            "bgfetch-match", List.of("bgfetch-fetch"),
            "bgfetch-rm", List.of("bgfetch-abort"),
            "bgfetch-daemon", List.of("bgfetch-fetch"));
}
