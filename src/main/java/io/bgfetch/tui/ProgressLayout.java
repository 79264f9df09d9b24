package io.bgfetch.tui;

import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Registration.Transfer;
import io.bgfetch.tui.ProgressDisplay.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Lays out the lines of a {@link ProgressDisplay} for a given width: for each fetch a line with
 * title, bar, amounts and percentage, then a tail with the rate and ETA or the state; below a
 * running fetch of several requests, one indented line per transfer in flight (its name, bar,
 * bytes, percent and rate), as apt and {@code docker pull} show them.
 *
 * <pre>
 * title (cut with …)  [bar]  amounts  pct  tail (rate + ETA, or paused / waiting: … / done / failed: …)
 *   transfer name     [bar]  amounts  pct  rate
 * </pre>
 *
 * The columns line up across all lines. Space goes first to the amounts and to a typical tail;
 * of the rest, names get what they need up to 3/5 (but at least 8 columns) and the bar the
 * remainder, 10 to 40 columns; with no room for a bar of 10 it is left out, and whatever room
 * the bar does not use goes to the tail. Whatever still does not fit is cut at the end with
 * {@code …}: a line never reaches the terminal's last column. Widths are measured on plain
 * text; colour is applied afterwards. Text from outside (titles, names, messages) is sanitised.
 */
final class ProgressLayout {

    private static final String GAP = "  ";
    private static final String INDENT = "  ";
    private static final int MIN_BAR = 10;
    private static final int MAX_BAR = 40;
    private static final int MIN_TITLE = 8;
    /** Room kept for a typical tail such as {@code 12.3 MiB/s  ETA 1h02m}. */
    private static final int TAIL_BUDGET = 22;
    private static final int NARROWEST = 20;
    /** Transfer lines shown under one fetch; the rest are counted on one more line. */
    static final int MAX_TRANSFER_LINES = 6;

    private final Colors colors;
    private final int maxWidth;

    /** @param columns the terminal's width; lines use at most {@code columns - 1} of it */
    ProgressLayout(Colors colors, int columns) {
        this.colors = colors;
        this.maxWidth = Math.max(NARROWEST, columns) - 1;
    }

    /**
     * One line of the display before it is laid out.
     *
     * @param bar whether the line has a bar; {@code full} fills it whatever the numbers say
     */
    private record Row(String name, String amounts, String percent, Segment tail,
                       boolean bar, long done, long total, boolean full, UnaryOperator<String> fill) {
    }

    List<String> lines(List<Registration> registrations) {
        List<Row> rows = new ArrayList<>();
        for (Registration r : registrations) {
            rows.add(fetchRow(r));
            if (showsTransfers(r)) {
                List<Transfer> transfers = r.transfers();
                int shown = Math.min(transfers.size(), MAX_TRANSFER_LINES);
                for (int i = 0; i < shown; i++) {
                    rows.add(transferRow(transfers.get(i)));
                }
                if (transfers.size() > shown) {
                    rows.add(new Row(INDENT + "… " + (transfers.size() - shown) + " more", "", "",
                            plain(""), false, 0, 0, false, colors::dim));
                }
            }
        }
        return layout(rows);
    }

    /** Per-transfer lines only say something new when a fetch has several requests and is running. */
    static boolean showsTransfers(Registration r) {
        return !r.isDone() && r.requests() > 1 && !r.transfers().isEmpty();
    }

    private Row fetchRow(Registration r) {
        String name = TerminalText.sanitize(ProgressDisplay.isEmpty(r.title()) ? r.id() : r.title());
        long total = ProgressDisplay.total(r);
        boolean succeeded = r.isDone() && "success".equals(r.result());
        UnaryOperator<String> fill = !r.isDone() ? colors::accent : succeeded ? colors::success : colors::failure;
        return new Row(name, ProgressDisplay.amounts(r), HumanFormat.percent(r.downloaded(), total), tail(r),
                true, r.downloaded(), total, succeeded, fill); // a success is full even when the size was never known
    }

    private Row transferRow(Transfer t) {
        String name = INDENT + TerminalText.sanitize(ProgressDisplay.isEmpty(t.name()) ? t.url() : t.name());
        String amounts = t.size() > 0
                ? HumanFormat.bytes(t.downloaded()) + "/" + HumanFormat.bytes(t.size())
                : HumanFormat.bytes(t.downloaded());
        return new Row(name, amounts, HumanFormat.percent(t.downloaded(), t.size()),
                new Segment(HumanFormat.rate(t.bytesPerSecond()), colors::dim),
                true, t.downloaded(), t.size(), false, colors::accent);
    }

    private List<String> layout(List<Row> rows) {
        int nameWidth = 1;
        int amountsWidth = 0;
        int tailWidth = 0;
        boolean anyPercent = false;
        for (Row row : rows) {
            nameWidth = Math.max(nameWidth, TerminalText.width(row.name()));
            amountsWidth = Math.max(amountsWidth, TerminalText.width(row.amounts()));
            anyPercent |= !row.percent().isEmpty();
            tailWidth = Math.max(tailWidth, TerminalText.width(row.tail().text()));
        }

        int longestName = nameWidth;
        int coreWidth = amountsWidth + (anyPercent ? GAP.length() + 4 : 0);
        int available = maxWidth - coreWidth - Math.min(tailWidth, TAIL_BUDGET) - 3 * GAP.length();
        // Names get up to 3/5 of the free room, so a long one cannot squeeze the bar to nothing.
        nameWidth = Math.min(nameWidth, Math.max(MIN_TITLE, available * 3 / 5));
        int barWidth = Math.min(MAX_BAR, available - nameWidth);
        if (barWidth < MIN_BAR) {
            nameWidth = Math.max(MIN_TITLE, Math.min(nameWidth, available - MIN_BAR));
            barWidth = Math.min(MAX_BAR, available - nameWidth);
        }
        if (barWidth < MIN_BAR) {
            barWidth = 0; // no room for a useful bar: the numbers matter more
            nameWidth = Math.max(MIN_TITLE, Math.min(longestName, available + GAP.length()));
        }

        List<String> lines = new ArrayList<>();
        for (Row row : rows) {
            List<Segment> line = new ArrayList<>();
            line.add(plain(TerminalText.padRight(TerminalText.truncate(row.name(), nameWidth), nameWidth)));
            if (barWidth > 0) {
                line.add(plain(GAP));
                line.addAll(row.bar() ? bar(row, barWidth) : List.of(plain(" ".repeat(barWidth))));
            }
            line.add(plain(GAP + TerminalText.padLeft(row.amounts(), amountsWidth)));
            if (anyPercent) {
                line.add(plain(GAP + TerminalText.padLeft(row.percent(), 4)));
            }
            line.add(plain(GAP));
            line.add(row.tail());
            lines.add(render(line));
        }
        return lines;
    }

    /** The end of a fetch's line: what is happening to it now. */
    private Segment tail(Registration r) {
        String message = ProgressDisplay.isEmpty(r.message()) ? "" : ": " + r.message();
        return switch (String.valueOf(r.state())) {
            case "active" -> new Segment(HumanFormat.rate(r.bytesPerSecond()) + "  ETA " + eta(r), colors::dim);
            case "queued" -> new Segment("queued", colors::dim);
            case "paused" -> new Segment("paused", colors::warning);
            case "waiting" -> new Segment("waiting" + message, colors::warning);
            case "done" -> "success".equals(r.result())
                    ? new Segment("done", colors::success)
                    : new Segment("failed: " + (ProgressDisplay.isEmpty(r.failureReason())
                            ? "unknown" : r.failureReason())
                            + (ProgressDisplay.isEmpty(r.message()) ? "" : " (" + r.message() + ")"),
                            colors::failure);
            default -> new Segment(String.valueOf(r.state()), UnaryOperator.identity());
        };
    }

    static String eta(Registration r) {
        long total = ProgressDisplay.total(r);
        return total > 0
                ? HumanFormat.eta(Math.max(0, total - r.downloaded()), r.bytesPerSecond())
                : HumanFormat.UNKNOWN;
    }

    /** {@code [#####.....]}: filled in the row's colour, the rest dim. */
    private List<Segment> bar(Row row, int width) {
        int inner = width - 2;
        int filled;
        if (row.full()) {
            filled = inner;
        } else if (row.total() > 0) {
            filled = (int) Math.min(inner, (long) Math.floor((double) row.done() / row.total() * inner));
        } else {
            filled = 0;
        }
        return List.of(
                plain("["),
                new Segment("#".repeat(filled), row.fill()),
                new Segment(".".repeat(inner - filled), colors::dim),
                plain("]"));
    }

    /** Joins the segments, cutting the first one that overflows with … and dropping the rest. */
    private String render(List<Segment> segments) {
        StringBuilder sb = new StringBuilder();
        int used = 0;
        for (Segment s : segments) {
            String text = TerminalText.sanitize(s.text());
            int w = TerminalText.width(text);
            if (used + w > maxWidth) {
                String cut = TerminalText.truncate(text, maxWidth - used);
                if (!cut.isEmpty()) {
                    sb.append(s.style().apply(cut));
                }
                break;
            }
            if (!text.isEmpty()) {
                sb.append(s.style().apply(text));
            }
            used += w;
        }
        // Padding right before a cut or at the end would only be trailing spaces.
        return stripTrailingSpaces(sb);
    }

    private static String stripTrailingSpaces(StringBuilder sb) {
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == ' ') {
            end--;
        }
        return sb.substring(0, end);
    }

    private static Segment plain(String text) {
        return new Segment(text, UnaryOperator.identity());
    }
}
