package io.bgfetch.cli;

import picocli.CommandLine.Option;

/** {@code --json}, which every command accepts: one JSON document on stdout and nothing else. */
public final class JsonOption {
    @Option(names = "--json", description = "Print one JSON document on stdout (and nothing else there).")
    boolean json;
}
