package io.bgfetch.tui;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain table with aligned columns, for {@code list -l} and the {@code match ID} listing:
 *
 * <pre>
 * new TextTable("ID", "STATE", "PROGRESS", "SIZE", "TITLE")
 *         .align(2, TextTable.Align.RIGHT).align(3, TextTable.Align.RIGHT)
 *         .row("podcast-42", "active", "1%", "75.0 MiB", "Episode 42")
 *         .render();
 * </pre>
 *
 * Columns are separated by two spaces and sized in terminal columns ({@link TerminalText#width}),
 * so wide characters keep the alignment. Lines have no trailing spaces and end with {@code \n}.
 * Nothing is ever cut: the output often goes to a pipe, where a cut value would be a lost one.
 * There is no colour, and control characters in cells become {@code ?}, so that a title cannot
 * break the table or send escape sequences to the terminal. Plain loops, no lambdas: {@code list -l}
 * should start as fast as every other command.
 */
public final class TextTable {

    public enum Align { LEFT, RIGHT }

    private static final String GAP = "  ";

    private final List<String> headers;
    private final Align[] aligns;
    private final List<List<String>> rows = new ArrayList<>();

    public TextTable(String... headers) {
        if (headers.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        List<String> clean = new ArrayList<>(headers.length);
        for (String header : headers) {
            clean.add(TerminalText.sanitize(header));
        }
        this.headers = List.copyOf(clean);
        this.aligns = new Align[headers.length];
        Arrays.fill(aligns, Align.LEFT);
    }

    /** Sets the alignment of one column (0-based); headers follow their column. */
    public TextTable align(int column, Align align) {
        aligns[column] = align;
        return this;
    }

    /**
     * Adds a row. Cells are turned into text with {@link String#valueOf}, null becomes "", and a
     * row shorter than the header is filled with empty cells.
     *
     * @throws IllegalArgumentException when the row has more cells than the table has columns
     */
    public TextTable row(Object... cells) {
        if (cells.length > headers.size()) {
            throw new IllegalArgumentException(
                    "row has " + cells.length + " cells, the table " + headers.size() + " columns");
        }
        List<String> row = new ArrayList<>(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            Object cell = i < cells.length ? cells[i] : null;
            row.add(cell == null ? "" : TerminalText.sanitize(String.valueOf(cell)));
        }
        rows.add(row);
        return this;
    }

    /** @return the number of rows added, not counting the header */
    public int size() {
        return rows.size();
    }

    /** @return the header and the rows, each line ending with {@code \n} */
    public String render() {
        int[] widths = new int[headers.size()];
        measure(headers, widths);
        for (List<String> row : rows) {
            measure(row, widths);
        }
        StringBuilder out = new StringBuilder();
        appendLine(out, headers, widths);
        for (List<String> row : rows) {
            appendLine(out, row, widths);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return render();
    }

    private static void measure(List<String> cells, int[] widths) {
        for (int i = 0; i < cells.size(); i++) {
            widths[i] = Math.max(widths[i], TerminalText.width(cells.get(i)));
        }
    }

    private void appendLine(StringBuilder out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append(GAP);
            }
            String cell = cells.get(i);
            line.append(aligns[i] == Align.RIGHT
                    ? TerminalText.padLeft(cell, widths[i])
                    : TerminalText.padRight(cell, widths[i]));
        }
        // Padding of the last columns (and empty trailing cells) would leave spaces at the end.
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
