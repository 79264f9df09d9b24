package io.bgfetch.cli;

import io.bgfetch.cli.options.ByteSizeConverter;
import io.bgfetch.cli.options.Credentials;
import io.bgfetch.cli.options.DurationConverter;
import io.bgfetch.cli.options.HttpToken;
import io.bgfetch.cli.options.HttpUrl;
import io.bgfetch.cli.options.ProxySettings;
import io.bgfetch.cli.options.RegistrationId;
import io.bgfetch.cli.options.RequestListParser;
import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.protocol.NetworkOptions;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Request;
import io.bgfetch.protocol.RequestSpec;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bgfetch fetch}: registers a batch with the daemon and returns once it is durably accepted. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {
            "Register a fetch: hand ID's requests to the daemon, which downloads them in the background "
                + "(resuming after network loss, daemon kills and reboots). Returns as soon as the daemon has "
                + "durably accepted it, or with --wait when it ends.",
            "",
            "Sizes: a bare number is bytes; K M G T and KiB MiB GiB TiB are powers of 1024; KB MB GB TB are "
                + "powers of 1000. Durations: 500ms, 30s, 10m, 2h, 7d."
        })
final class FetchCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "Your name for the fetch: any text up to 200 characters, no control characters.")
    String id;

    @Parameters(index = "1..*", paramLabel = "URL", arity = "0..*", description = "http or https URLs to download.")
    List<String> urls = new ArrayList<>();

    @Option(names = {"-i", "--input"}, paramLabel = "FILE",
            description = "More requests, one per line ('-' reads stdin): URL [integrity=sha256-<base64>] "
                    + "[sha256=<hex>] [out=<file name>] [mirror=<URL> ...]; mirrors are other sources of the same "
                    + "body, used in order when the ones before fail for good. Blank lines and # comments are ignored.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = {"-t", "--title"}, paramLabel = "TEXT", description = "Title shown in status and notifications.")
    String title;

    @Option(names = "--icon", paramLabel = "FILE", description = "Icon for notifications.")
    Path icon;

    @Option(names = "--download-total", paramLabel = "SIZE", converter = ByteSizeConverter.class,
            description = "Expected total bytes of all responses; more fails the fetch (download-total-exceeded).")
    long downloadTotal;

    @Option(names = {"-H", "--header"}, paramLabel = "'Name: value'", description = "Request header for every request (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-X", "--method"}, paramLabel = "METHOD", description = "Request method (default GET, or POST with --upload).")
    String method;

    @Option(names = "--upload", paramLabel = "FILE", description = "Send FILE as the request body (counted in uploaded/uploadTotal).")
    Path upload;

    @Option(names = "--dest", paramLabel = "DIR",
            description = "On success, place each body at DIR/<name> (name from out=, else the server's Content-Disposition "
                    + "file name, else the URL's last path segment; made safe and unique), atomically.")
    Path dest;

    @Option(names = "--on-success", paramLabel = "CMD", description = "Run CMD (/bin/sh -c) in the daemon when the fetch succeeds.")
    String onSuccess;

    @Option(names = "--on-fail", paramLabel = "CMD", description = "Run CMD when the fetch fails (not when aborted).")
    String onFail;

    @Option(names = "--on-abort", paramLabel = "CMD", description = "Run CMD when the fetch is aborted.")
    String onAbort;

    @Option(names = "--notify", description = "Desktop notification on completion, where the desktop offers one.")
    boolean desktopNotify;

    @Option(names = {"-w", "--wait"}, description = "Stay until the fetch ends (and its --dest files are in place), "
            + "with live progress on a terminal; exit with its result.")
    boolean waitForEnd;

    @Mixin
    ProgressOption progress;

    @Option(names = "--replace", description = "Replace a finished fetch with the same ID (its records are deleted).")
    boolean replace;

    @Option(names = "--if-changed", description = "Re-run a finished fetch of this ID (for cron): each request asks with the "
            + "validators of its last stored response; a 304 keeps the stored body and its --dest file as they are "
            + "(record notModified), a 200 replaces it. Without a finished fetch it is a plain fetch. Implies --replace.")
    boolean ifChanged;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "4", description = "Requests transferred at once (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = {"-c", "--connections"}, paramLabel = "N", defaultValue = "1",
            description = "Connections per request, for servers that accept ranges (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--limit-rate", paramLabel = "RATE", converter = ByteSizeConverter.class,
            description = "Bandwidth cap for this fetch, per second (500K, 10M).")
    long limitRate;

    @Option(names = "--retry-for", paramLabel = "DURATION", defaultValue = "24h", converter = DurationConverter.class,
            description = "How long transient errors are retried before the fetch fails (default: ${DEFAULT-VALUE}).")
    Duration retryFor;

    @Option(names = {"-u", "--user"}, paramLabel = "USER:PASSWORD",
            description = "HTTP Basic credentials for the origin of each URL (not sent to other origins after a redirect).")
    String user;

    @Option(names = "--netrc", description = "Take credentials for each host from ~/.netrc.")
    boolean netrc;

    @Option(names = "--netrc-file", paramLabel = "FILE", description = "Take credentials for each host from FILE (netrc format).")
    Path netrcFile;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "Trust the CA certificates in this PEM file besides the system's (also: SSL_CERT_FILE).")
    Path caCert;

    @Option(names = {"-k", "--insecure"},
            description = "Do not verify TLS certificates. Dangerous: anyone on the network path can read and change the bytes.")
    boolean insecure;

    @Option(names = "--proxy", paramLabel = "URL",
            description = "Proxy for this fetch (http://[user:password@]host:port), instead of http_proxy/https_proxy/all_proxy; '' for none.")
    String proxy;

    @Option(names = "--noproxy", paramLabel = "LIST",
            description = "Hosts, domain suffixes and IP addresses reached directly, comma-separated ('*' for all), instead of no_proxy.")
    String noProxy;

    /**
     * {@code fetch} from plain arguments (see {@link DirectArgs}): the ID, URLs and the options
     * scripts use most; null when any other option, or anything unusual, is there.
     */
    static ClientCommand direct(DirectArgs a) {
        FetchCommand c = new FetchCommand();
        c.jsonOption = new JsonOption();
        c.progress = new ProgressOption();
        c.jobs = 4; // the defaultValues above: picocli sets them, a field's initial value is not used
        c.connections = 1;
        c.retryFor = Duration.ofHours(24);
        for (String word = a.next(); word != null; word = a.next()) {
            if (!DirectArgs.isOption(word)) {
                if (c.id == null) {
                    c.id = word;
                } else {
                    c.urls.add(word);
                }
                continue;
            }
            switch (word) {
                case "-w", "--wait" -> c.waitForEnd = a.flag("--wait");
                case "--replace" -> c.replace = a.flag("--replace");
                case "--if-changed" -> c.ifChanged = a.flag("--if-changed");
                case "--json" -> c.jsonOption.json = a.flag("--json");
                case "--dest" -> c.dest = DirectArgs.path(a.once("--dest"));
                case "-t", "--title" -> c.title = a.once("--title");
                case "-i", "--input" -> {
                    Path input = DirectArgs.path(a.value());
                    if (input != null) {
                        c.inputs.add(input);
                    }
                }
                case "-j", "--jobs" -> c.jobs = a.count("--jobs", c.jobs);
                case "-c", "--connections" -> c.connections = a.count("--connections", c.connections);
                case "--progress" -> c.progress.mode = a.choice("--progress", ProgressOption.Mode.values(), c.progress.mode);
                case "--retry-for" -> c.retryFor = a.duration("--retry-for", c.retryFor);
                default -> {
                    return null;
                }
            }
        }
        return c.id == null ? null : a.result(c); // no ID: picocli's usage error
    }

    @Override
    public Integer call() throws IOException {
        Request.Fetch request = buildRequest();
        Registration reg = client().call(request);
        if (waitForEnd) {
            return new FetchWaiter(this).await(reg.id(), progress.resolved());
        }
        if (json()) {
            printJson(reg);
        } else {
            out().println("queued " + reg.id() + " (" + reg.requests() + (reg.requests() == 1 ? " request)" : " requests)"));
            out().flush();
        }
        return ExitCode.OK.code();
    }

    /** Checks everything locally, so that bad input registers nothing. */
    private Request.Fetch buildRequest() {
        try {
            RegistrationId.validate(id);
            List<RequestSpec> specs = new ArrayList<>();
            for (String url : urls) {
                specs.add(new RequestSpec(HttpUrl.require(url)));
            }
            for (Path input : inputs) {
                specs.addAll(readInput(input));
            }
            if (specs.isEmpty()) {
                throw usage("no requests: give at least one URL or an --input file");
            }
            for (String h : headers) {
                if (!HttpToken.isHeader(h)) {
                    throw usage("invalid header '" + h.replaceFirst(":.*", ": ...") + "' (expected 'Name: value')");
                }
            }
            if (method != null && !HttpToken.isToken(method)) {
                throw usage("invalid method '" + method + "'");
            }
            if (jobs < 1 || connections < 1) {
                throw usage("--jobs and --connections take a number of at least 1");
            }
            if (upload != null && (!Files.isReadable(upload) || Files.isDirectory(upload))) {
                throw usage("cannot read the upload file " + upload);
            }
            if (icon != null && !Files.isReadable(icon)) {
                throw usage("cannot read the icon " + icon);
            }
            if (user != null && !user.contains(":")) {
                throw usage("-u takes USER:PASSWORD");
            }
            specs = Credentials.apply(specs, user, netrcPath());
            FetchOptions options = new FetchOptions(title, absolute(icon), downloadTotal, headers, method,
                    absolute(upload), dest == null ? null : dest.toAbsolutePath().normalize().toString(),
                    onSuccess, onFail, onAbort, desktopNotify, replace, jobs, connections, limitRate,
                    retryFor.toMillis(), network(), ifChanged);
            return new Request.Fetch(id, specs, options);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** Proxies from the options or this command's environment, and the trust to use, stored with the fetch. */
    private NetworkOptions network() {
        Map<String, String> env = System.getenv();
        Path ca = caCert;
        if (ca == null && env.get("SSL_CERT_FILE") != null && !env.get("SSL_CERT_FILE").isBlank()) {
            ca = Path.of(env.get("SSL_CERT_FILE"));
        }
        if (ca != null && (!Files.isReadable(ca) || Files.isDirectory(ca))) {
            throw usage("cannot read the CA certificate file " + ca);
        }
        return ProxySettings.resolve(proxy, noProxy, env, absolute(ca), insecure);
    }

    private Path netrcPath() {
        if (netrcFile != null) {
            if (!Files.isReadable(netrcFile)) {
                throw usage("cannot read the netrc file " + netrcFile);
            }
            return netrcFile;
        }
        if (netrc) {
            Path home = Path.of(System.getProperty("user.home"), ".netrc");
            return Files.isReadable(home) ? home : null; // like curl: no file, no credentials
        }
        return null;
    }

    private static String absolute(Path p) {
        return p == null ? null : p.toAbsolutePath().normalize().toString();
    }

    private List<RequestSpec> readInput(Path input) {
        try {
            if ("-".equals(input.toString())) {
                Reader in = new InputStreamReader(System.in, StandardCharsets.UTF_8);
                return RequestListParser.parse(in, "stdin");
            }
            try (Reader in = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
                return RequestListParser.parse(in, input.toString());
            }
        } catch (IOException e) {
            throw usage("cannot read the input file " + input + ": " + e.getMessage());
        }
    }

    private static CliException usage(String message) {
        return new CliException(ExitCode.USAGE, message);
    }
}
