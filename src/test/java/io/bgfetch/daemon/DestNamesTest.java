package io.bgfetch.daemon;

import io.bgfetch.lifecycle.RecordState;
import io.bgfetch.protocol.RequestSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.store.RecordRow;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DestNamesTest {
    private static final long KEY = 7;

    // ---- nameFromUrl ------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "https://example.org/dir/file.iso | file.iso",
            "https://example.org/file.iso?x=1&y=2 | file.iso",
            "https://example.org/file.iso#part | file.iso",
            "https://example.org/my%20file.txt | my file.txt",
            "https://example.org/caf%C3%A9.txt | café.txt",
            "https://example.org/100%25 | 100%",
            "https://example.org/ | download",
            "https://example.org | download",
            "https://example.org/dir/ | download",
            "https://example.org/.hidden | hidden",
            "https://example.org/...dots | dots",
            "https://example.org/%2E%2E | download",
            "https://example.org/%2E | download",
            "https://example.org/a%2Fb | a_b",
            "https://example.org/a%5Cb | a_b",
            "https://example.org/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd | _.._etc_passwd",
            "https://example.org/..%2Fescape | _escape",
            "https://example.org/a%00b | a_b",
            "https://example.org/a%0Ab%0D.txt | a_b_.txt",
            "https://example.org/bell%07.bin | bell_.bin",
            "https://example.org/del%7F.bin | del_.bin",
            "https://example.org/c1%C2%85.bin | c1_.bin",
            "https://example.org/%20%20padded%20 | padded",
    })
    void nameFromUrl(String url, String expected) {
        assertEquals(expected, DestNames.nameFromUrl(url));
    }

    @Test
    void namesAreNeverUnsafe() {
        String[] urls = {"https://h/%2F", "https://h/%2F..%2F..", "https://h/..", "https://h/.", "https://h/%0A",
                "https://h/%2E%2E%2F", "https://h/%5C..%5C"};
        for (String url : urls) {
            String name = DestNames.nameFromUrl(url);
            assertTrue(!name.isEmpty() && !name.contains("/") && !name.contains("\\") && !name.startsWith(".")
                    && name.chars().noneMatch(Character::isISOControl), url + " -> " + name);
        }
    }

    @Test
    void longNamesAreCutKeepingTheEnd() {
        String name = DestNames.nameFromUrl("https://example.org/" + "x".repeat(300) + ".bin");
        assertEquals(240, name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                "file systems allow 255 bytes; 240 leaves room for a '-N' suffix");
        assertTrue(name.endsWith(".bin"));
    }

    @Test
    void aPlusInThePathIsKept() {
        assertEquals("c++.pdf", DestNames.nameFromUrl("https://example.org/c++.pdf"));
    }

    // ---- Content-Disposition ----------------------------------------------------------------

    private static RecordRow withDisposition(int idx, String url, String outName, String disposition) {
        String headers = "{\"content-disposition\":" + jsonString(disposition) + "}";
        return new RecordRow(KEY, idx, new RequestSpec(url, null, outName, null), "GET", RecordState.DONE, 200, "OK", headers,
                10, null, null, null, "", 0, null);
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "attachment; filename=\"report.pdf\" | report.pdf",
            "attachment; filename*=UTF-8''%E2%82%AC%20rates.txt; filename=\"rates.txt\" | € rates.txt",
            "attachment; filename=\"../../etc/passwd\" | passwd",
            "attachment; filename=\"..\" | download-123",
            "attachment; filename=\"...\" | download-123",
            "attachment; filename=\".bashrc\" | bashrc",
            "attachment; filename=\"\" | download-123",
            "attachment; filename=\"  \" | download-123",
            "attachment | download-123",
            "attachment; filename*=UTF-8''bell%07%0D%0Aname.txt | bell___name.txt",
            "attachment; filename*=UTF-8''%E2%80%AEtxt.exe | _txt.exe",
            "attachment; filename=\"a \\\"quoted\\\" name.txt\" | a \"quoted\" name.txt",
    })
    void theServersFileNameIsUsedWhenSafe(String disposition, String expected) {
        assertEquals(expected, DestNames.nameFor(withDisposition(0, "https://h/download-123", null, disposition)));
    }

    @Test
    void aVeryLongServerFileNameIsCutToFitKeepingItsExtension() {
        String name = DestNames.nameFor(withDisposition(0, "https://h/x", null,
                "attachment; filename=\"" + "n".repeat(5000) + ".tar.gz\""));
        assertEquals(240, name.getBytes(StandardCharsets.UTF_8).length);
        assertTrue(name.endsWith(".tar.gz"));
    }

    @Test
    void outWinsOverTheServersFileName() {
        assertEquals("mine.bin", DestNames.nameFor(withDisposition(0, "https://h/x", "mine.bin",
                "attachment; filename=\"theirs.bin\"")));
    }

    @Test
    void uniqueNamesNumberTheSameNameAndSkipTakenOnesIgnoringCase() {
        DestNames.Taken taken = new DestNames.Taken();
        assertTrue(taken.add("A-2.bin"));
        assertEquals("a.bin", taken.unique("a.bin"));
        assertEquals("A-1.BIN", taken.unique("A.BIN"));
        assertEquals("a-3.bin", taken.unique("a.bin"), "a-2.bin is taken (in other case)");
        assertEquals("README", taken.unique("README"));
        assertEquals("readme-1", taken.unique("readme"), "numbered in its own spelling");
        assertEquals(".x", taken.unique(".x"));
        assertEquals(".x-1", taken.unique(".x"), "no stem before a leading dot: the suffix goes last");
    }

    @Test
    void tenThousandBodiesOfOneNameGetTenThousandNames() {
        DestNames.Taken taken = new DestNames.Taken();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(seen.add(taken.unique("s.bin")));
        }
        assertTrue(seen.contains("s-9999.bin"));
    }
}
