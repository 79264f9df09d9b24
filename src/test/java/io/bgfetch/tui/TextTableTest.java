package io.bgfetch.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void alignsColumnsLeftAndRight() {
        String table = new TextTable("ID", "STATE", "PROGRESS", "SIZE", "TITLE")
                .align(2, TextTable.Align.RIGHT)
                .align(3, TextTable.Align.RIGHT)
                .row("podcast-42", "active", "1%", "75.0 MiB", "Episode 42")
                .row("iso", "done", "100%", "4.0 GiB", "Debian")
                .render();
        assertEquals("""
                ID          STATE   PROGRESS      SIZE  TITLE
                podcast-42  active        1%  75.0 MiB  Episode 42
                iso         done        100%   4.0 GiB  Debian
                """, table);
    }

    @Test
    void noTrailingSpacesEvenWithEmptyLastCells() {
        String table = new TextTable("ID", "STATE", "TITLE")
                .row("a-long-id", "active", "")
                .row("b", "queued")
                .render();
        assertEquals("""
                ID         STATE   TITLE
                a-long-id  active
                b          queued
                """, table);
        for (String line : table.split("\n")) {
            assertFalse(line.endsWith(" "), "trailing space in '" + line + "'");
        }
    }

    @Test
    void headerOnlyWhenThereAreNoRows() {
        TextTable t = new TextTable("URL", "STATE");
        assertEquals("URL  STATE\n", t.render());
        assertEquals(0, t.size());
    }

    @Test
    void wideCharactersKeepTheAlignment() {
        String table = new TextTable("TITLE", "SIZE")
                .align(1, TextTable.Align.RIGHT)
                .row("名前", "1 B")
                .row("abcde", "10 B")
                .render();
        assertEquals("""
                TITLE  SIZE
                名前    1 B
                abcde  10 B
                """, table);
    }

    @Test
    void controlCharactersCannotBreakLinesOrInjectEscapes() {
        String table = new TextTable("ID", "TITLE").row("x", "evil\n\u001B[2Jtitle").render();
        assertEquals("ID  TITLE\nx   evil?title\n", table); // the line break becomes ?, the escape sequence goes
    }

    @Test
    void cellsAreAnyObjectAndNullIsEmpty() {
        assertEquals("A   B\n42\n",
                new TextTable("A", "B").row(42, null).render());
    }

    @Test
    void tooManyCellsIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> new TextTable("A").row("1", "2"));
        assertThrows(IllegalArgumentException.class, TextTable::new);
    }
}
