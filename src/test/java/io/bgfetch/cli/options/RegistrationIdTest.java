package io.bgfetch.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistrationIdTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "podcast-42", "a", " leading and trailing spaces ", "../../etc/passwd", "ünïcödé 名前",
            "emoji 🎧", "tab-free\u00A0nbsp", "quote'\"`$(x)", ".", "-",
    })
    void acceptsAnyTextWithoutControls(String id) {
        assertSame(id, RegistrationId.validate(id));
    }

    @Test
    void acceptsExactly200CodePointsCountingSupplementaryCharactersOnce() {
        String ascii = "x".repeat(200);
        assertSame(ascii, RegistrationId.validate(ascii));
        String emoji = "🎧".repeat(200); // 400 UTF-16 chars, 200 characters
        assertSame(emoji, RegistrationId.validate(emoji));
    }

    @Test
    void rejectsMoreThan200Characters() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RegistrationId.validate("x".repeat(201)));
        assertEquals("the ID is longer than 200 characters", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RegistrationId.validate("🎧".repeat(201)));
    }

    @Test
    void rejectsEmpty() {
        assertEquals("the ID is empty",
                assertThrows(IllegalArgumentException.class, () -> RegistrationId.validate("")).getMessage());
        assertEquals("the ID is empty",
                assertThrows(IllegalArgumentException.class, () -> RegistrationId.validate(null)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\rb", "a\tb", "\u0000", "a\u001Bb", "a\u007Fb", "a\u0085b", "a\u2028b",
            "a\u2029b", "a\u009Bb"})
    void rejectsControlCharacters(String id) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegistrationId.validate(id));
        assertEquals("the ID contains a control character", e.getMessage());
    }

    @Test
    void rejectsUnpairedSurrogates() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RegistrationId.validate("a\uD83Cb"));
        assertEquals("the ID is not valid Unicode text", e.getMessage());
    }
}
