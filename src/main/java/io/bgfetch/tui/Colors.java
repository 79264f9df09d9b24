package io.bgfetch.tui;

import org.jline.jansi.Ansi;
import org.jline.jansi.Ansi.Attribute;

/**
 * The CLI's few colours, applied only when enabled. The contract allows colour only on a
 * terminal and never with {@code NO_COLOR} set; {@link #forStream} asks {@link TerminalInfo}
 * exactly that, so commands need not repeat the rule.
 *
 * <p>Each helper wraps one piece of text and resets all attributes after it, so pieces can be
 * concatenated freely. It builds a fresh {@link Ansi} rather than using {@code Ansi.ansi()},
 * whose output depends on jansi's global enabled switch; here the decision is this object's.
 */
public final class Colors {

    private static final Colors OFF = new Colors(false);

    private final boolean enabled;

    public Colors(boolean enabled) {
        this.enabled = enabled;
    }

    /** @param fd 1 for stdout, 2 for stderr */
    public static Colors forStream(int fd) {
        return new Colors(TerminalInfo.colorEnabled(fd));
    }

    /** Colours that never colour: for JSON, pipes and tests. */
    public static Colors off() {
        return OFF;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Green: a fetch that succeeded. */
    public String success(String text) {
        return enabled ? new Ansi().fgGreen().a(text).reset().toString() : text;
    }

    /** Red: a failure, an error. */
    public String failure(String text) {
        return enabled ? new Ansi().fgRed().a(text).reset().toString() : text;
    }

    /** Yellow: paused, waiting, a warning. */
    public String warning(String text) {
        return enabled ? new Ansi().fgYellow().a(text).reset().toString() : text;
    }

    /** Cyan: the filled part of a progress bar. */
    public String accent(String text) {
        return enabled ? new Ansi().fgCyan().a(text).reset().toString() : text;
    }

    /** Faint: secondary details (rates, ETA, the empty part of a bar). */
    public String dim(String text) {
        return enabled ? new Ansi().a(Attribute.INTENSITY_FAINT).a(text).reset().toString() : text;
    }

    public String bold(String text) {
        return enabled ? new Ansi().bold().a(text).reset().toString() : text;
    }
}
