package io.bgfetch.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentDispositionTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "attachment; filename=report.pdf | report.pdf",
            "attachment; filename=\"report 2024.pdf\" | report 2024.pdf",
            "attachment;filename=\"a;b.txt\"; size=10 | a;b.txt",
            "ATTACHMENT; FILENAME=\"Upper.TXT\" | Upper.TXT",
            "inline; filename=\"shown.html\" | shown.html",
            "attachment; filename*=UTF-8''na%C3%AFve%20file.txt | naïve file.txt",
            "attachment; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt | € rates.txt",
            "attachment; filename*=utf-8'en'%E2%82%AC.txt; filename=\"first-is-ascii.txt\" | €.txt",
            "attachment; filename*=iso-8859-1'en'%A3%20rates.txt | £ rates.txt",
            "attachment; filename*=KOI8-R''%C1.txt; filename=\"plain.txt\" | plain.txt",
            "attachment; filename*=UTF-8''%C3%28.txt; filename=\"broken-utf8.txt\" | broken-utf8.txt",
            "attachment; filename*=UTF-8''%ZZ.txt; filename=\"bad-escape.txt\" | bad-escape.txt",
            "attachment; filename=\"../../etc/passwd\" | passwd",
            "attachment; filename=\"..\\\\..\\\\windows\\\\evil.exe\" | evil.exe",
            "attachment; filename*=UTF-8''..%2F..%2Fetc%2Fshadow | shadow",
            "attachment; filename=\"with \\\"quotes\\\".txt\" | with \"quotes\".txt",
            "attachment; filename=\"unterminated.txt | unterminated.txt",
            "attachment; filename=first.txt; filename=second.txt | first.txt",
    })
    void fileName(String header, String expected) {
        assertEquals(expected, ContentDisposition.fileName(header));
    }

    @Test
    void noFileName() {
        assertNull(ContentDisposition.fileName(null));
        assertNull(ContentDisposition.fileName(""));
        assertNull(ContentDisposition.fileName("attachment"));
        assertNull(ContentDisposition.fileName("attachment; size=10"));
        assertNull(ContentDisposition.fileName("attachment; filename="));
        assertNull(ContentDisposition.fileName("attachment; filename=\"\""));
        assertNull(ContentDisposition.fileName("attachment; filename=\"dir/\""), "a directory part only");
        assertNull(ContentDisposition.fileName("attachment; filename*=UTF-8''"));
    }

    @Test
    void utf8BytesInAPlainFilenameAreReadAsUtf8() {
        // HttpClient hands header values over as ISO-8859-1 characters, one per byte.
        String wire = new String("café.txt".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertEquals("café.txt", ContentDisposition.fileName("attachment; filename=\"" + wire + "\""));
        assertEquals("caf\u00e9.txt", ContentDisposition.fileName("attachment; filename=\"caf\u00e9.txt\""),
                "a lone Latin-1 byte is not UTF-8 and stays as it is");
    }

    @Test
    void controlCharactersAreLeftForTheCallerToMakeSafe() {
        assertEquals("a\nb.txt", ContentDisposition.fileName("attachment; filename*=UTF-8''a%0Ab.txt"));
    }
}
