package io.bgfetch.tui;

import io.bgfetch.protocol.Registration;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.jline.jansi.Ansi;
import org.jline.jansi.Ansi.Erase;

/**
 * The live display of {@code fetch --wait}, {@code wait} and {@code status --watch} on a
 * terminal: one line per fetch and, under a running fetch of several requests, one line per
 * transfer in flight, redrawn in place.
 *
 * <pre>
 * Episode 42         [#######.............]  25.0 MiB/75.0 MiB  33%  3.2 MiB/s  ETA 15s
 *   42.mp3           [######..............]  24.0 MiB/74.0 MiB  32%  3.1 MiB/s
 *   42.jpg           [##################..]  28.0 KiB/31.0 KiB  90%  100.0 KiB/s
 * backup-2026-11     [####################]   4.0 GiB/4.0 GiB  100%  done
 * </pre>
 *
 * <p>The percentage and ETA are of {@link #total}: the caller's {@code --download-total}, else
 * the sizes the servers announced ({@link Registration#expectedTotal()}).
 *
 * <p>Each redraw moves the cursor back up over the lines it drew last time and rewrites them
 * (erase line, text, newline), then erases anything below, so the display never scrolls and the
 * cursor always rests on the line below it. Nothing else may write to the same terminal while
 * the display is open, or the cursor arithmetic is off; {@link #message} prints a line above it.
 *
 * <p>Redraws are limited to one per 100 ms: faster updates only remember the newest snapshot,
 * which the next redraw or {@link #close()} shows. A change of state (say to paused or done) is
 * drawn at once. The terminal's width is read again every second, so a resized window is
 * followed; lines never reach the last column, where some terminals wrap early.
 *
 * <p>Not for pipes: use {@link #plainLine} there. Thread-safe (a shutdown hook may close it).
 */
public final class ProgressDisplay implements AutoCloseable {

    static final long MIN_REDRAW_NANOS = 100_000_000L;
    private static final long WIDTH_REFRESH_NANOS = 1_000_000_000L;

    private final PrintStream out;
    private final Colors colors;
    private final IntSupplier widthSource;
    private final LongSupplier clock;

    private int width;
    private long widthReadAt;
    private int linesOnScreen;
    private boolean drawnOnce;
    private long lastDrawAt;
    private List<Registration> shown = List.of();
    private List<Registration> pending;
    private boolean closed;

    /**
     * @param terminal where to draw, normally {@code System.err}; not closed by {@link #close()}
     * @param color    whether to use colour (see {@link TerminalInfo#colorEnabled})
     */
    public ProgressDisplay(PrintStream terminal, boolean color) {
        this(terminal, color, TerminalInfo::columns, System::nanoTime);
    }

    /** For tests: a fixed width instead of asking the terminal. */
    ProgressDisplay(PrintStream terminal, boolean color, int width) {
        this(terminal, color, () -> width, System::nanoTime);
    }

    ProgressDisplay(PrintStream terminal, boolean color, IntSupplier width, LongSupplier nanoClock) {
        this.out = terminal;
        this.colors = new Colors(color);
        this.widthSource = width;
        this.clock = nanoClock;
    }

    /** Shows these fetches, one line each, in this order, replacing what was shown before. */
    public synchronized void update(List<Registration> registrations) {
        if (closed) {
            return;
        }
        List<Registration> snapshot = List.copyOf(registrations);
        long now = clock.getAsLong();
        if (drawnOnce && now - lastDrawAt < MIN_REDRAW_NANOS && sameStates(shown, snapshot)) {
            pending = snapshot;
            return;
        }
        draw(snapshot, now);
    }

    /** Prints a line of text above the display (which is then redrawn below it), or alone once closed. */
    public synchronized void message(String line) {
        String text = TerminalText.sanitize(line);
        if (closed || linesOnScreen == 0) {
            out.println(text);
            out.flush();
            return;
        }
        out.print(moveToTop() + new Ansi().eraseLine(Erase.ALL) + text + "\n");
        linesOnScreen = 0; // the message took the first line; the display starts again below it
        draw(pending != null ? pending : shown, clock.getAsLong());
    }

    /** Draws the newest snapshot if it was held back, and leaves the lines and the cursor below them. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (pending != null) {
            draw(pending, clock.getAsLong());
        }
        closed = true;
        linesOnScreen = 0; // what is on screen now stays there
        out.flush();
    }

    /**
     * One line without escape sequences for output that is not a terminal, for example
     * {@code podcast-42 active 1.0 MiB/75.0 MiB 1% 3.2 MiB/s ETA 24s}; a finished fetch ends with
     * its result and reason ({@code done 75.0 MiB/75.0 MiB 100% success}), a waiting one with its
     * message.
     */
    public static String plainLine(Registration r) {
        List<String> parts = new ArrayList<>();
        parts.add(r.id());
        parts.add(r.state());
        parts.add(amounts(r));
        String pct = HumanFormat.percent(r.downloaded(), total(r));
        if (!pct.isEmpty()) {
            parts.add(pct);
        }
        switch (String.valueOf(r.state())) {
            case "active" -> {
                parts.add(HumanFormat.rate(r.bytesPerSecond()));
                if (total(r) > 0) {
                    parts.add("ETA " + ProgressLayout.eta(r));
                }
            }
            case "waiting" -> {
                if (!isEmpty(r.message())) {
                    parts.add(r.message());
                }
            }
            case "done" -> {
                parts.add(r.result());
                if (!isEmpty(r.failureReason())) {
                    parts.add(r.failureReason());
                }
            }
            default -> { }
        }
        return TerminalText.sanitize(String.join(" ", parts));
    }

    private void draw(List<Registration> snapshot, long now) {
        StringBuilder frame = new StringBuilder(moveToTop());
        List<String> lines = new ProgressLayout(colors, currentWidth(now)).lines(snapshot);
        for (String line : lines) {
            frame.append(new Ansi().eraseLine(Erase.ALL)).append(line).append('\n');
        }
        if (lines.size() < linesOnScreen) {
            frame.append(new Ansi().eraseScreen(Erase.FORWARD)); // lines of fetches or transfers no longer shown
        }
        out.print(frame);
        out.flush();
        linesOnScreen = lines.size();
        shown = snapshot;
        pending = null;
        drawnOnce = true;
        lastDrawAt = now;
    }

    /** @return the escape sequence that puts the cursor at the start of the display's first line */
    private String moveToTop() {
        return linesOnScreen == 0 ? "" : new Ansi().a('\r').cursorUp(linesOnScreen).toString();
    }

    private int currentWidth(long now) {
        if (width == 0 || now - widthReadAt >= WIDTH_REFRESH_NANOS) {
            width = widthSource.getAsInt();
            widthReadAt = now;
        }
        return width;
    }

    /** True when the same fetches are in the same states, so a redraw can wait. */
    private static boolean sameStates(List<Registration> a, List<Registration> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Registration x = a.get(i);
            Registration y = b.get(i);
            if (!Objects.equals(x.id(), y.id()) || !Objects.equals(x.state(), y.state())
                    || !Objects.equals(x.result(), y.result())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The total a percentage and an ETA are of: the caller's {@code downloadTotal} when given,
     * else {@code expectedTotal} (the sizes the servers announced), else 0 for unknown.
     */
    public static long total(Registration r) {
        return r.downloadTotal() > 0 ? r.downloadTotal() : Math.max(0, r.expectedTotal());
    }

    static String amounts(Registration r) {
        long total = total(r);
        return total > 0
                ? HumanFormat.bytes(r.downloaded()) + "/" + HumanFormat.bytes(total)
                : HumanFormat.bytes(r.downloaded());
    }

    static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    /** A piece of a line: its plain text (which is what is measured) and how to colour it. */
    record Segment(String text, UnaryOperator<String> style) {
    }
}
