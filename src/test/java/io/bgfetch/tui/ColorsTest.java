package io.bgfetch.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ColorsTest {

    @Test
    void enabledWrapsInAnsiAndResets() {
        Colors c = new Colors(true);
        assertEquals("\u001B[32mok\u001B[m", c.success("ok"));
        assertEquals("\u001B[31mno\u001B[m", c.failure("no"));
        assertEquals("\u001B[33mwait\u001B[m", c.warning("wait"));
        assertEquals("\u001B[36mbar\u001B[m", c.accent("bar"));
        assertEquals("\u001B[2mx\u001B[m", c.dim("x"));
        assertEquals("\u001B[1mx\u001B[m", c.bold("x"));
        assertTrue(c.enabled());
    }

    @Test
    void disabledLeavesTextAlone() {
        Colors c = new Colors(false);
        for (String s : new String[] {c.success("t"), c.failure("t"), c.warning("t"), c.accent("t"),
                c.dim("t"), c.bold("t")}) {
            assertEquals("t", s);
        }
        assertFalse(Colors.off().enabled());
    }

    @Test
    void noColorInTheEnvironmentMeansPlainText() {
        TerminalInfo onATerminal = new TerminalInfo(
                java.util.Map.of("NO_COLOR", "1", "TERM", "xterm")::get, fd -> true, () -> 80);
        Colors c = new Colors(onATerminal.color(2));
        assertEquals("done", c.success("done"));
    }
}
