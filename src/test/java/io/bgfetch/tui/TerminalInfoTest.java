package io.bgfetch.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminalInfoTest {

    static TerminalInfo info(Map<String, String> env, boolean terminal, int ttyColumns) {
        return new TerminalInfo(env::get, fd -> terminal, () -> ttyColumns);
    }

    @Test
    void recognisesTerminalDevices() {
        assertTrue(TerminalInfo.isTerminalDevice("/dev/pts/3"));
        assertTrue(TerminalInfo.isTerminalDevice("/dev/tty1"));
        assertTrue(TerminalInfo.isTerminalDevice("/dev/tty"));
        assertTrue(TerminalInfo.isTerminalDevice("/dev/console"));
        assertFalse(TerminalInfo.isTerminalDevice("pipe:[12345]"));
        assertFalse(TerminalInfo.isTerminalDevice("socket:[12345]"));
        assertFalse(TerminalInfo.isTerminalDevice("/dev/null"));
        assertFalse(TerminalInfo.isTerminalDevice("/home/me/out.log"));
    }

    @Test
    void colorNeedsATerminal() {
        assertTrue(info(Map.of("TERM", "xterm-256color"), true, 0).color(2));
        assertFalse(info(Map.of("TERM", "xterm-256color"), false, 0).color(2));
    }

    @Test
    void noColorTurnsColorOff() {
        assertFalse(info(Map.of("NO_COLOR", "1"), true, 0).color(1));
        assertFalse(info(Map.of("NO_COLOR", "anything"), true, 0).color(2));
        // An empty NO_COLOR counts as unset (https://no-color.org).
        assertTrue(info(Map.of("NO_COLOR", ""), true, 0).color(2));
    }

    @Test
    void dumbTerminalHasNoColor() {
        assertFalse(info(Map.of("TERM", "dumb"), true, 0).color(2));
        assertTrue(info(Map.of(), true, 0).color(2));
    }

    @Test
    void columnsPreferTheEnvironmentThenTheTerminalThen80() {
        assertEquals(132, info(Map.of("COLUMNS", "132"), true, 100).width());
        assertEquals(100, info(Map.of(), true, 100).width());
        assertEquals(100, info(Map.of("COLUMNS", "wide"), true, 100).width());
        assertEquals(100, info(Map.of("COLUMNS", "0"), true, 100).width());
        assertEquals(80, info(Map.of(), true, 0).width());
        assertEquals(80, info(Map.of(), false, -1).width());
    }

    @Test
    void theRealCheckAnswersWithoutATerminal() {
        // Under Maven, stdout is a pipe or a file; the point is that it answers at once, no exception.
        long start = System.nanoTime();
        TerminalInfo.isTerminal(1);
        TerminalInfo.isTerminal(2);
        TerminalInfo.isTerminal(999); // not open
        assertFalse(TerminalInfo.isTerminal(999));
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
        assertTrue(TerminalInfo.columns() > 0);
    }
}
