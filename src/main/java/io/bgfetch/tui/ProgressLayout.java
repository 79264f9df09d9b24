package io.bgfetch.tui;

import io.bgfetch.protocol.Registration;
import io.bgfetch.tui.ProgressDisplay.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Lays out the lines of a {@link ProgressDisplay} for a given width: title, bar, amounts and
 * percentage, then a tail with the rate and ETA or the state.
 *
 * <pre>
 * title (cut with …)  [bar]  amounts  pct  tail (rate + ETA, or paused / waiting: … / done / failed: …)
 * </pre>
 *
 * The columns line up across fetches. Space goes first to the amounts and to a typical tail;
 * of the rest, titles get what they need up to 3/5 (but at least 8 columns) and the bar the
 * remainder, 10 to 40 columns; with no room for a bar of 10 it is left out, and whatever room
 * the bar does not use goes to the tail. Whatever still does not fit is cut at the end with {@code …}: a line never reaches the
 * terminal's last column. Widths are measured on plain text; colour is applied afterwards.
 */
final class ProgressLayout {

    private static final String GAP = "  ";
    private static final int MIN_BAR = 10;
    private static final int MAX_BAR = 40;
    private static final int MIN_TITLE = 8;
    /** Room kept for a typical tail such as {@code 12.3 MiB/s  ETA 1h02m}. */
    private static final int TAIL_BUDGET = 22;
    private static final int NARROWEST = 20;

    private final Colors colors;
    private final int maxWidth;

    /** @param columns the terminal's width; lines use at most {@code columns - 1} of it */
    ProgressLayout(Colors colors, int columns) {
        this.colors = colors;
        this.maxWidth = Math.max(NARROWEST, columns) - 1;
    }

    List<String> lines(List<Registration> registrations) {
        List<String> names = new ArrayList<>();
        List<String> amounts = new ArrayList<>();
        List<String> percents = new ArrayList<>();
        int nameWidth = 1;
        int amountsWidth = 0;
        int tailWidth = 0;
        boolean anyPercent = false;
        for (Registration r : registrations) {
            String name = TerminalText.sanitize(ProgressDisplay.isEmpty(r.title()) ? r.id() : r.title());
            names.add(name);
            nameWidth = Math.max(nameWidth, TerminalText.width(name));
            amounts.add(ProgressDisplay.amounts(r));
            amountsWidth = Math.max(amountsWidth, TerminalText.width(amounts.get(amounts.size() - 1)));
            String pct = HumanFormat.percent(r.downloaded(), r.downloadTotal());
            percents.add(pct);
            anyPercent |= !pct.isEmpty();
            tailWidth = Math.max(tailWidth, TerminalText.width(tail(r).text()));
        }

        int longestName = nameWidth;
        int coreWidth = amountsWidth + (anyPercent ? GAP.length() + 4 : 0);
        int available = maxWidth - coreWidth - Math.min(tailWidth, TAIL_BUDGET) - 3 * GAP.length();
        // Titles get up to 3/5 of the free room, so a long one cannot squeeze the bar to nothing.
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
        for (int i = 0; i < registrations.size(); i++) {
            Registration r = registrations.get(i);
            List<Segment> line = new ArrayList<>();
            line.add(plain(TerminalText.padRight(TerminalText.truncate(names.get(i), nameWidth), nameWidth)));
            if (barWidth > 0) {
                line.add(plain(GAP));
                line.addAll(bar(r, barWidth));
            }
            line.add(plain(GAP + TerminalText.padLeft(amounts.get(i), amountsWidth)));
            if (anyPercent) {
                line.add(plain(GAP + TerminalText.padLeft(percents.get(i), 4)));
            }
            line.add(plain(GAP));
            line.add(tail(r));
            lines.add(render(line));
        }
        return lines;
    }

    /** The end of a line: what is happening to the fetch now. */
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

    private static String eta(Registration r) {
        return r.downloadTotal() > 0
                ? HumanFormat.eta(Math.max(0, r.downloadTotal() - r.downloaded()), r.bytesPerSecond())
                : HumanFormat.UNKNOWN;
    }

    /** {@code [#####.....]}: filled in the accent colour (green/red when done), the rest dim. */
    private List<Segment> bar(Registration r, int width) {
        int inner = width - 2;
        int filled;
        if (r.isDone() && "success".equals(r.result())) {
            filled = inner; // also when the size was never known
        } else if (r.downloadTotal() > 0) {
            filled = (int) Math.min(inner, (long) Math.floor((double) r.downloaded() / r.downloadTotal() * inner));
        } else {
            filled = 0;
        }
        UnaryOperator<String> fill = !r.isDone() ? colors::accent
                : "success".equals(r.result()) ? colors::success : colors::failure;
        return List.of(
                plain("["),
                new Segment("#".repeat(filled), fill),
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
