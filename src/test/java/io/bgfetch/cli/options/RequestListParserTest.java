package io.bgfetch.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.protocol.RequestSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestListParserTest {

    static final String EMPTY_HEX = Sha256DigestTest.EMPTY_HEX;
    static final String EMPTY_SRI = Sha256DigestTest.EMPTY_SRI;

    static List<RequestSpec> parse(String text) throws IOException {
        return RequestListParser.parse(new StringReader(text), "list.txt");
    }

    static String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> parse(text)).getMessage();
    }

    @Test
    void readsUrlsWithAndWithoutKeys() throws IOException {
        List<RequestSpec> specs = parse("""
                # my podcast
                https://example.org/1.mp3

                https://example.org/2.mp3 out=two.mp3
                  https://example.org/3.mp3\tsha256=%s   out=three.mp3
                https://example.org/4.mp3 integrity=%s
                """.formatted(EMPTY_HEX.toUpperCase(), EMPTY_SRI));
        assertEquals(List.of(
                new RequestSpec("https://example.org/1.mp3", null, null, null),
                new RequestSpec("https://example.org/2.mp3", null, "two.mp3", null),
                new RequestSpec("https://example.org/3.mp3", EMPTY_HEX, "three.mp3", null),
                new RequestSpec("https://example.org/4.mp3", EMPTY_HEX, null, null)), specs);
    }

    @Test
    void fieldsAreSplitAtAsciiWhiteSpaceAsTheFormatSays() {
        for (String line : List.of("https://a.example/x", "u\tk=v", "u   k=v \t\u000B\fout=o", "u\u2003x k=v", "u\u00A0k=v")) {
            assertEquals(List.of(line.split("\\s+")), RequestListParser.fields(line), line);
        }
    }

    @Test
    void emptyInputGivesNoRequests() throws IOException {
        assertEquals(List.of(), parse(""));
        assertEquals(List.of(), parse("\n\n   \n# only a comment\n   # indented comment\n"));
    }

    @Test
    void hashOnlyStartsACommentAtTheStartOfALine() throws IOException {
        assertEquals(List.of(new RequestSpec("https://example.org/a#frag", null, null, null)),
                parse("https://example.org/a#frag\n"));
        assertTrue(error("https://example.org/a # trailing comment").contains("expected key=value"));
    }

    @Test
    void acceptsCrlfLineEndsAndABom() throws IOException {
        List<RequestSpec> specs = parse("\uFEFF# list\r\nhttps://example.org/a out=a.bin\r\n\r\nhttps://example.org/b\r\n");
        assertEquals(List.of(
                new RequestSpec("https://example.org/a", null, "a.bin", null),
                new RequestSpec("https://example.org/b", null, null, null)), specs);
    }

    @Test
    void aBomBeforeAUrlIsNotPartOfTheUrl() throws IOException {
        byte[] bytes = "\uFEFFhttps://example.org/a\r\n".getBytes(StandardCharsets.UTF_8);
        try (Reader r = new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8)) {
            assertEquals(List.of(new RequestSpec("https://example.org/a", null, null, null)),
                    RequestListParser.parse(r, "-"));
        }
    }

    @Test
    void aBomLaterInTheFileIsAnError() {
        assertEquals("list.txt:2: invalid URL '\uFEFFhttps://example.org/b'",
                error("https://example.org/a\n\uFEFFhttps://example.org/b\n"));
    }

    @Test
    void lastLineWithoutNewlineIsRead() throws IOException {
        assertEquals(1, parse("https://example.org/a").size());
    }

    @Test
    void errorsNameTheSourceAndLine() {
        assertEquals("list.txt:3: unknown key 'foo'",
                error("# x\nhttps://example.org/a\nhttps://example.org/b foo=bar\n"));
    }

    @Test
    void countsBlankAndCommentLinesAndCrlf() {
        assertTrue(error("\r\n# c\r\n\r\nftp://x\r\n").startsWith("list.txt:4: "));
    }

    @Test
    void rejectsBadUrls() {
        assertEquals("list.txt:1: not an http(s) URL: ftp://x", error("ftp://x"));
        assertEquals("list.txt:1: not an http(s) URL: out=a", error("out=a"));
    }

    @Test
    void rejectsBadKeyValueTokens() {
        assertTrue(error("https://example.org/a out").contains("expected key=value"));
        assertTrue(error("https://example.org/a =x").contains("expected key=value"));
        assertEquals("list.txt:1: unknown key 'OUT'", error("https://example.org/a OUT=x"));
        assertEquals("list.txt:1: key 'out' given twice", error("https://example.org/a out=a out=b"));
    }

    @Test
    void rejectsABadBase64Integrity() {
        String message = error("https://example.org/a integrity=sha256-not*base64");
        assertTrue(message.startsWith("list.txt:1: integrity value is not valid base64"), message);
        message = error("https://example.org/a integrity=sha256-AAAA");
        assertTrue(message.startsWith("list.txt:1: integrity sha256 value must be 32 bytes"), message);
    }

    @Test
    void rejectsOtherIntegrityAlgorithms() {
        assertTrue(error("https://example.org/a integrity=sha512-AAAA")
                .startsWith("list.txt:1: only sha256 integrity is supported"));
        assertTrue(error("https://example.org/a integrity=sha384-AAAA")
                .startsWith("list.txt:1: only sha256 integrity is supported"));
    }

    @Test
    void integrityAndSha256MustAgree() throws IOException {
        assertEquals(EMPTY_HEX, parse("https://example.org/a integrity=" + EMPTY_SRI + " sha256=" + EMPTY_HEX)
                .get(0).sha256());
        String other = "0".repeat(64);
        assertEquals("list.txt:1: integrity= and sha256= name different hashes",
                error("https://example.org/a integrity=" + EMPTY_SRI + " sha256=" + other));
    }

    @Test
    void rejectsBadHex() {
        assertEquals("list.txt:1: sha256 must be 64 hex digits", error("https://example.org/a sha256=abc"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"out=../x", "out=..", "out=.", "out=", "out=a/b", "out=/etc/passwd", "out=a\u0000b"})
    void rejectsOutNamesThatAreNotPlainFileNames(String token) {
        String message = error("https://example.org/a " + token);
        assertTrue(message.startsWith("list.txt:1: out= must be a plain file name"), message);
    }

    @Test
    void acceptsUnusualButPlainOutNames() throws IOException {
        assertEquals("..hidden", parse("https://example.org/a out=..hidden").get(0).out());
        assertEquals("épisode-42.mp3", parse("https://example.org/a out=épisode-42.mp3").get(0).out());
        assertEquals("a=b", parse("https://example.org/a out=a=b").get(0).out());
    }

    @Test
    void rejectsOutNamesLongerThan255Bytes() throws IOException {
        assertEquals(255, parse("https://example.org/a out=" + "x".repeat(255)).get(0).out().length());
        assertEquals("list.txt:1: out= name is longer than 255 bytes",
                error("https://example.org/a out=" + "é".repeat(128)));
    }

    @Test
    void rejectsTheSameOutNameTwice() {
        assertEquals("list.txt:3: out=a.mp3 is already used on line 1",
                error("https://example.org/1 out=a.mp3\nhttps://example.org/2 out=b.mp3\nhttps://example.org/3 out=a.mp3\n"));
    }

    @Test
    void readErrorsPropagate() {
        Reader failing = new Reader() {
            @Override
            public int read(char[] buf, int off, int len) throws IOException {
                throw new IOException("disk on fire");
            }

            @Override
            public void close() {
            }
        };
        assertThrows(IOException.class, () -> RequestListParser.parse(failing, "-"));
    }

    // ---- mirror= ------------------------------------------------------------------------------

    @Test
    void mirrorsAreRepeatableAndKeepTheirOrder() throws IOException {
        List<RequestSpec> specs = parse("https://a.example/f.iso mirror=https://b.example/f.iso out=f.iso "
                + "mirror=http://c.example:8080/pub/f.iso\nhttps://a.example/g.iso\n");
        assertEquals(List.of("https://b.example/f.iso", "http://c.example:8080/pub/f.iso"), specs.get(0).mirrors());
        assertEquals("f.iso", specs.get(0).out());
        assertEquals(List.of(), specs.get(1).mirrors());
    }

    @Test
    void mirrorsAreCheckedLikeUrls() {
        assertEquals("list.txt:1: mirror=: not an http(s) URL: ftp://b/f",
                error("https://a/f mirror=ftp://b/f"));
        assertTrue(error("https://a/f mirror=").startsWith("list.txt:1: mirror=: invalid URL"), error("https://a/f mirror="));
        assertTrue(error("https://a/f mirror=relative/f").contains("mirror=: not an http(s) URL"));
    }

    @Test
    void aMirrorCannotCarryCredentials() {
        assertTrue(error("https://a/f mirror=https://u:p@b/f").contains("cannot carry user:password"));
    }

    @Test
    void credentialsKeepTheMirrors() throws IOException {
        List<RequestSpec> specs = Credentials.apply(parse("https://u:p@a.example/f mirror=https://b.example/f"),
                null, null);
        assertEquals("https://a.example/f", specs.get(0).url());
        assertEquals("u:p", specs.get(0).credentials());
        assertEquals(List.of("https://b.example/f"), specs.get(0).mirrors());
    }
}
