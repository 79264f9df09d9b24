package io.bgfetch.cli;

import io.bgfetch.tui.TerminalInfo;
import picocli.CommandLine.Option;

/**
 * {@code --progress auto|bar|plain|none}, for the commands that wait for fetches to end
 * ({@code fetch --wait}, {@code wait}).
 */
public final class ProgressOption {

    /** How waiting shows progress. Lower case, as the user types them. */
    enum Mode {
        /** Bars when stderr is a terminal, otherwise nothing (pipes stay free of bars and escapes). */
        auto,
        /** The live display (bars, one line per transfer), even when stderr is not a terminal. */
        bar,
        /** One line per fetch every few seconds on stderr, without escapes: for CI logs. */
        plain,
        /** Nothing but the end: failures, and JSON when asked for. */
        none
    }

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "How to show progress while waiting (fetch --wait, wait): auto (bars on a terminal, nothing in a pipe; the default), "
                    + "bar (always bars), plain (a line with percent, bytes, rate and ETA every few seconds on stderr, "
                    + "for CI logs) or none.")
    Mode mode = Mode.auto;

    /** The mode in effect: {@code auto} decided by whether stderr is a terminal. */
    Mode resolved() {
        if (mode != Mode.auto) {
            return mode;
        }
        return TerminalInfo.isTerminal(2) ? Mode.bar : Mode.none;
    }
}
