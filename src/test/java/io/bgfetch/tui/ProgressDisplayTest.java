package io.bgfetch.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.protocol.Registration;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {

    static final String ESC = "\u001B[";
    static final String ERASE_LINE = ESC + "2K";
    static final long MIB = 1024 * 1024;

    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream terminal = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    final AtomicLong clock = new AtomicLong(1_000_000_000L);

    static Registration reg(String id, String title, String state, String result, String reason,
                            long downloaded, long total, long rate, String message) {
        return new Registration(id, title, state, result, reason, downloaded, total, 0, 0, 1, 0, false,
                "2026-11-21T10:00:00Z", null, message, null, null, rate, total, List.of());
    }

    static Registration active(String id, String title, long downloaded, long total, long rate) {
        return reg(id, title, "active", "", "", downloaded, total, rate, "");
    }

    ProgressDisplay display(boolean color, int width) {
        return new ProgressDisplay(terminal, color, () -> width, clock::get);
    }

    /** Takes what was written since the last call. */
    String drain() {
        String s = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        return s;
    }

    /** The visible text of a frame: escape sequences for cursor and erasing removed. */
    static List<String> visibleLines(String frame) {
        String text = frame.replaceAll("\r|\u001B\\[\\d*[AJK]", "");
        return Arrays.asList(text.split("\n"));
    }

    @Test
    void firstFrameDrawsOneLinePerFetchWithoutMovingUp() {
        try (ProgressDisplay d = display(false, 100)) {
            d.update(List.of(active("podcast-42", "Episode 42", MIB, 75 * MIB, 3_355_443),
                    active("iso", "", 0, 0, 0)));
            String frame = drain();
            assertFalse(frame.contains(ESC + "2A"), frame);
            assertTrue(frame.startsWith(ERASE_LINE), frame);
            assertTrue(frame.endsWith("\n"), frame);
            List<String> lines = visibleLines(frame);
            assertEquals(2, lines.size());
            assertTrue(lines.get(0).startsWith("Episode 42"), lines.get(0));
            assertTrue(lines.get(0).contains("1.0 MiB/75.0 MiB"), lines.get(0));
            assertTrue(lines.get(0).contains("1%"), lines.get(0));
            assertTrue(lines.get(0).contains("3.2 MiB/s"), lines.get(0));
            assertTrue(lines.get(0).contains("ETA 24s"), lines.get(0)); // 74 MiB at 3.2 MiB/s, rounded up
            assertTrue(lines.get(0).contains("  [....."), lines.get(0));
            // no title: the ID; no total: the bytes alone, no percentage, unknown ETA
            assertTrue(lines.get(1).startsWith("iso "), lines.get(1));
            assertTrue(lines.get(1).contains("0 B  "), lines.get(1));
            assertFalse(lines.get(1).contains("/0 B"), lines.get(1));
            assertTrue(lines.get(1).contains("ETA --"), lines.get(1));
        }
    }

    @Test
    void secondFrameRewritesThePreviousLinesInPlace() {
        try (ProgressDisplay d = display(false, 100)) {
            List<Registration> two = List.of(active("a", "A", 0, 100, 10), active("b", "B", 0, 100, 10));
            d.update(two);
            drain();
            clock.addAndGet(200_000_000L);
            d.update(List.of(active("a", "A", 50, 100, 10), active("b", "B", 60, 100, 10)));
            String frame = drain();
            assertTrue(frame.startsWith("\r" + ESC + "2A"), frame);
            assertEquals(2, frame.split(java.util.regex.Pattern.quote(ERASE_LINE), -1).length - 1, frame); // each line is erased first
            assertEquals(2, frame.chars().filter(c -> c == '\n').count());
            assertTrue(visibleLines(frame).get(1).contains("60%"), frame);
        }
    }

    @Test
    void withoutColorTheOnlyEscapesAreCursorMovementAndErasing() {
        try (ProgressDisplay d = display(false, 100)) {
            d.update(List.of(active("a", "A", 1, 2, 1), reg("b", "", "done", "success", "", 5, 5, 0, "")));
            clock.addAndGet(200_000_000L);
            d.update(List.of(active("a", "A", 2, 2, 1)));
        }
        String all = drain();
        String withoutMovement = all.replaceAll("\u001B\\[\\d*[AJK]", "");
        assertFalse(withoutMovement.contains("\u001B"), all);
        assertTrue(all.contains(ESC + "0J"), "a shorter frame erases the old lines below: " + all);
    }

    @Test
    void colorMarksStates() {
        try (ProgressDisplay d = display(true, 100)) {
            d.update(List.of(reg("ok", "", "done", "success", "", 5, 5, 0, ""),
                    reg("bad", "", "done", "failure", "bad-status", 1, 5, 0, "")));
        }
        String all = drain();
        assertTrue(all.contains(ESC + "32mdone" + ESC + "m"), all);
        assertTrue(all.contains(ESC + "31mfailed: bad-status" + ESC + "m"), all);
    }

    @Test
    void longTitlesAreCutToTheWidth() {
        String title = "A very long title that would never fit on one line of a narrow terminal window";
        try (ProgressDisplay d = display(false, 60)) {
            d.update(List.of(active("x", title, 10 * MIB, 75 * MIB, MIB),
                    reg("w", "", "waiting", "", "", 0, 0, 0, "connection refused; next attempt in 30 seconds")));
        }
        for (String line : visibleLines(drain())) {
            assertTrue(TerminalText.width(line) <= 59, "wider than 59: '" + line + "'");
            assertFalse(line.endsWith(" "), "trailing space: '" + line + "'");
        }
    }

    @Test
    void titlesAreCutWithAnEllipsisAndTheBarSurvivesOnAnOrdinaryTerminal() {
        String title = "Episode 42: a very long title about the making of a podcast that goes on";
        try (ProgressDisplay d = display(false, 80)) {
            d.update(List.of(active("x", title, 10 * MIB, 75 * MIB, MIB)));
        }
        String line = visibleLines(drain()).get(0);
        assertTrue(line.startsWith("Episode 42"), line);
        assertTrue(line.contains("…"), line);
        assertTrue(line.contains("[#"), line);
        assertTrue(line.contains("10.0 MiB/75.0 MiB"), line);
        assertTrue(TerminalText.width(line) <= 79, line);
    }

    @Test
    void showsStateWords() {
        try (ProgressDisplay d = display(false, 120)) {
            d.update(List.of(
                    reg("p", "", "paused", "", "", 1, 2, 0, ""),
                    reg("w", "", "waiting", "", "", 1, 2, 0, "offline"),
                    reg("w2", "", "waiting", "", "", 1, 2, 0, ""),
                    reg("q", "", "queued", "", "", 0, 0, 0, ""),
                    reg("s", "", "done", "success", "", 2, 2, 0, ""),
                    reg("f", "", "done", "failure", "aborted", 1, 2, 0, "")));
        }
        List<String> lines = visibleLines(drain());
        assertTrue(lines.get(0).endsWith("paused"), lines.get(0));
        assertTrue(lines.get(1).endsWith("waiting: offline"), lines.get(1));
        assertTrue(lines.get(2).endsWith("waiting"), lines.get(2));
        assertTrue(lines.get(3).endsWith("queued"), lines.get(3));
        assertTrue(lines.get(4).endsWith("done"), lines.get(4));
        assertTrue(lines.get(4).contains("[####"), lines.get(4));
        assertTrue(lines.get(5).endsWith("failed: aborted"), lines.get(5));
    }

    @Test
    void redrawsAtMostTenTimesASecondButCloseShowsTheLatest() {
        try (ProgressDisplay d = display(false, 100)) {
            d.update(List.of(active("a", "A", 10, 100, 1)));
            drain();
            clock.addAndGet(30_000_000L);
            d.update(List.of(active("a", "A", 20, 100, 1)));
            clock.addAndGet(30_000_000L);
            d.update(List.of(active("a", "A", 30, 100, 1)));
            assertEquals("", drain(), "held back: less than 100 ms since the last frame");
            clock.addAndGet(50_000_000L);
            d.update(List.of(active("a", "A", 40, 100, 1)));
            assertTrue(drain().contains("40%"));
            clock.addAndGet(10_000_000L);
            d.update(List.of(active("a", "A", 50, 100, 1)));
            assertEquals("", drain());
        }
        String last = drain();
        assertTrue(last.contains("50%"), "close draws the held-back snapshot: " + last);
        assertTrue(last.startsWith("\r" + ESC + "1A"), last);
    }

    @Test
    void aStateChangeIsDrawnAtOnce() {
        try (ProgressDisplay d = display(false, 100)) {
            d.update(List.of(active("a", "A", 10, 100, 1)));
            drain();
            clock.addAndGet(1_000_000L);
            d.update(List.of(reg("a", "A", "done", "success", "", 100, 100, 0, "")));
            assertTrue(drain().contains("done"));
        }
    }

    @Test
    void closeLeavesTheLinesAndIsIdempotent() {
        ProgressDisplay d = display(false, 100);
        d.update(List.of(active("a", "A", 10, 100, 1)));
        drain();
        d.close();
        d.close();
        d.update(List.of(active("a", "A", 20, 100, 1)));
        assertEquals("", drain(), "nothing moves or erases after close");
    }

    @Test
    void messagePrintsAboveTheDisplay() {
        try (ProgressDisplay d = display(false, 100)) {
            d.update(List.of(active("a", "A", 10, 100, 1)));
            drain();
            d.message("bgfetch: retrying");
            String out = drain();
            List<String> lines = visibleLines(out);
            assertTrue(out.startsWith("\r" + ESC + "1A"), out);
            assertEquals("bgfetch: retrying", lines.get(0));
            assertTrue(lines.get(1).startsWith("A "), lines.get(1));
        }
    }

    @Test
    void messageAfterCloseIsAPlainLineBelow() {
        ProgressDisplay d = display(false, 100);
        d.update(List.of(active("a", "A", 10, 100, 1)));
        d.close();
        drain();
        d.message("bgfetch: fetch a failed");
        assertEquals("bgfetch: fetch a failed\n", drain());
    }

    @Test
    void titlesCannotInjectEscapes() {
        try (ProgressDisplay d = display(false, 100)) {
            d.update(List.of(active("a", "evil\u001B[2J\ntitle", 10, 100, 1)));
        }
        String out = drain();
        assertFalse(out.contains(ESC + "2J"), out);
        assertEquals(1, out.chars().filter(c -> c == '\n').count());
    }

    @Test
    void plainLineIsOneLineWithoutEscapes() {
        assertEquals("podcast-42 active 1.0 MiB/75.0 MiB 1% 3.2 MiB/s",
                ProgressDisplay.plainLine(active("podcast-42", "Episode 42", MIB, 75 * MIB, 3_355_443)));
        assertEquals("iso active 2.0 MiB 0 B/s", ProgressDisplay.plainLine(active("iso", "", 2 * MIB, 0, 0)));
        assertEquals("x done 5 B/5 B 100% success",
                ProgressDisplay.plainLine(reg("x", "", "done", "success", "", 5, 5, 0, "")));
        assertEquals("x done 1 B/5 B 20% failure bad-status",
                ProgressDisplay.plainLine(reg("x", "", "done", "failure", "bad-status", 1, 5, 0, "")));
        assertEquals("x waiting 0 B offline",
                ProgressDisplay.plainLine(reg("x", "", "waiting", "", "", 0, 0, 0, "offline")));
        assertEquals("x paused 1 B/5 B 20%",
                ProgressDisplay.plainLine(reg("x", "", "paused", "", "", 1, 5, 0, "")));
    }

    @Test
    void theFixedWidthConstructorUsesThatWidth() {
        try (ProgressDisplay d = new ProgressDisplay(terminal, false, 30)) {
            d.update(List.of(active("x", "a title much longer than thirty columns", 1, 2, 1)));
        }
        for (String line : visibleLines(drain())) {
            assertTrue(TerminalText.width(line) <= 29, line);
        }
    }
}
