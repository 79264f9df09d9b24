package io.bgfetch.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class WireCodecTest {

    static final Registration REGISTRATION = new Registration("podcast-42", "Episode 42", "active", "", "",
            1_048_576, 78_643_200, 0, 0, 2, 1, true, "2026-11-21T10:00:00Z", null, "", null, null, 0, 0, List.of());

    /** One sample of every request type, with awkward values. */
    static List<Request<?>> samples() {
        return List.of(
                new Request.Fetch("ïd 🎧\nwith newline",
                        List.of(new RequestSpec("https://example.org/a?x=1&y=2", "ab".repeat(32), "a.bin", "u:p@ss"),
                                new RequestSpec("https://example.org/b")),
                        new FetchOptions("Title \"quoted\"", null, 5L << 30, List.of("Authorization: Bearer x", "X-Empty:"),
                                "GET", null, "/tmp/dest dir", "echo \"$BGFETCH_ID\"", null, "notify-send 'aborted'", true,
                                true, 3, 4, 500_000, 7L * 24 * 3600 * 1000,
                                new NetworkOptions("http://proxy:3128", "http://u:p@proxy:3128", ".corp,10.0.0.1",
                                        "/etc/ca.pem", true))),
                new Request.Fetch("min", List.of(new RequestSpec("http://h/")),
                        new FetchOptions(null, "/icon.png", 0, List.of(), "PUT", "/tmp/upload.bin", null, null, null,
                                null, false, false, 1, 1, 0, 30_000, null)),
                new Request.ListFetches(true),
                new Request.ListFetches(false),
                new Request.Status(List.of()),
                new Request.Status(List.of("a", "b c")),
                new Request.Watch(List.of("x"), 250),
                new Request.Abort("x"),
                new Request.Pause("x"),
                new Request.Resume("x"),
                new Request.Records("x"),
                new Request.Match("x", "https://h/a#frag", true),
                new Request.Follow("x", "https://h/a?q", false),
                new Request.Remove(List.of("x", "y")),
                new Request.Info(),
                new Request.Shutdown());
    }

    private static byte[] written(IoAction<WireCodec> write) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (WireCodec w = new WireCodec(new ByteArrayInputStream(new byte[0]), out)) {
            write.run(w);
        }
        return out.toByteArray();
    }

    private static WireCodec reader(byte[] bytes) {
        return new WireCodec(new ByteArrayInputStream(bytes), OutputStream.nullOutputStream());
    }

    private static WireCodec reader(String text) {
        return reader(text.getBytes(StandardCharsets.UTF_8));
    }

    interface IoAction<T> {
        void run(T t) throws IOException;
    }

    @Test
    void samplesCoverEveryRequestType() {
        Set<Class<?>> permitted = Set.of(Request.class.getPermittedSubclasses());
        Set<Class<?>> sampled = samples().stream().map(Object::getClass).collect(Collectors.toSet());
        assertEquals(permitted, sampled);
    }

    @Test
    void everyRequestRoundTrips() throws IOException {
        for (Request<?> r : samples()) {
            byte[] line = written(w -> w.writeRequest(r));
            assertEquals('\n', line[line.length - 1]);
            assertEquals(1, count(line, (byte) '\n'), "one message is one line: " + r);
            Request back = reader(line).readRequest();
            assertEquals(r, back, r.getClass().getSimpleName());
            assertEquals(r.getClass(), back.getClass());
        }
    }

    @Test
    void requestsFollowOneAnotherOnOneStream() throws IOException {
        byte[] all = written(w -> {
            for (Request<?> r : samples()) {
                w.writeRequest(r);
            }
        });
        WireCodec r = reader(all);
        for (Request<?> expected : samples()) {
            assertEquals(expected, r.readRequest());
        }
        assertThrows(EOFException.class, r::readRequest);
    }

    @Test
    void roundTripThroughAPipe() throws Exception {
        PipedInputStream clientIn = new PipedInputStream(1 << 16);
        PipedOutputStream daemonOut = new PipedOutputStream(clientIn);
        PipedInputStream daemonIn = new PipedInputStream(1 << 16);
        PipedOutputStream clientOut = new PipedOutputStream(daemonIn);
        WireCodec client = new WireCodec(clientIn, clientOut);
        WireCodec daemon = new WireCodec(daemonIn, daemonOut);

        CompletableFuture<Request> served = CompletableFuture.supplyAsync(() -> {
            try {
                WireCodec.Hello hello = daemon.readHello();
                daemon.writeHello("9.9.9", 4242);
                Request req = daemon.readRequest();
                daemon.writeReply(Reply.of(Map.of("seen", hello.version())));
                return req;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        client.writeHello("0.1.0", 0);
        WireCodec.Hello daemonHello = client.readHello();
        client.writeRequest(new Request.Status(List.of("x")));
        Reply reply = client.readReply();

        assertEquals(new Request.Status(List.of("x")), served.get(5, TimeUnit.SECONDS));
        assertEquals(new WireCodec.Hello("bgfetch", WireCodec.PROTOCOL, "9.9.9", 4242), daemonHello);
        assertTrue(daemonHello.compatible());
        assertEquals(Map.of("seen", "0.1.0"), reply.data());
        client.close();
        daemon.close();
    }

    @Test
    void aLimitedCodecRefusesALongerLineBeforeSendingAByteOfIt() throws IOException {
        // the sample with newlines inside its strings: JSON escapes them, so it is one line
        Request<?> request = samples().get(0);
        byte[] line = written(w -> w.writeRequest(request));
        int length = line.length - 1; // without its newline

        ByteArrayOutputStream exact = new ByteArrayOutputStream();
        new WireCodec(InputStream.nullInputStream(), exact, length).writeRequest(request);
        assertArrayEquals(line, exact.toByteArray(), "a line of exactly the limit is sent whole");

        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        WireCodec limited = new WireCodec(InputStream.nullInputStream(), sent, length - 1);
        WireCodec.LineTooLong refused = assertThrows(WireCodec.LineTooLong.class, () -> limited.writeRequest(request));
        assertEquals(length, refused.bytes());
        assertEquals(0, sent.size(), "nothing of the refused line was sent");
        limited.writeHello("0.1.0", 1); // a shorter message still goes
        assertEquals(new WireCodec.Hello("bgfetch", WireCodec.PROTOCOL, "0.1.0", 1), reader(sent.toByteArray()).readHello());
    }

    @Test
    void helloHandshake() throws IOException {
        byte[] line = written(w -> w.writeHello("0.1.0", 123));
        String text = new String(line, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\"hello\":\"bgfetch\""), text);
        WireCodec.Hello hello = reader(line).readHello();
        assertEquals(new WireCodec.Hello("bgfetch", WireCodec.PROTOCOL, "0.1.0", 123), hello);
        assertTrue(hello.compatible());
    }

    @Test
    void compatibleNeedsTheNameAndTheProtocol() throws IOException {
        assertFalse(new WireCodec.Hello("bgfetch", WireCodec.PROTOCOL + 1, "0.1.0", 1).compatible());
        assertFalse(new WireCodec.Hello("other", WireCodec.PROTOCOL, "0.1.0", 1).compatible());
        assertFalse(new WireCodec.Hello(null, WireCodec.PROTOCOL, "0.1.0", 1).compatible());
        assertFalse(reader("{\"hello\":\"bgfetch\",\"protocol\":" + (WireCodec.PROTOCOL - 1)
                + ",\"version\":\"x\",\"pid\":1}\n").readHello().compatible(), "an older daemon's greeting");
        assertTrue(new WireCodec.Hello("bgfetch", WireCodec.PROTOCOL, "any", 0).compatible(), "versions may differ");
    }

    @Test
    void replyWithNullData() throws IOException {
        byte[] line = written(w -> w.writeReply(Reply.of(null)));
        assertTrue(new String(line, StandardCharsets.UTF_8).contains("\"data\":null"));
        Reply back = reader(line).readReply();
        assertTrue(back.ok());
        assertTrue(back.last());
        assertEquals(0, back.exitCode());
        assertNull(back.error());
        assertNull(back.data());
    }

    @Test
    void failureAndPartialReplies() throws IOException {
        byte[] lines = written(w -> {
            w.writeReply(Reply.failure(ExitCode.NOT_FOUND, "no such fetch: x"));
            w.writeReply(Reply.partial(List.of(1, 2)));
        });
        WireCodec r = reader(lines);
        Reply failure = r.readReply();
        assertFalse(failure.ok());
        assertTrue(failure.last());
        assertEquals(3, failure.exitCode());
        assertEquals("no such fetch: x", failure.error());
        Reply partial = r.readReply();
        assertTrue(partial.ok());
        assertFalse(partial.last());
        assertEquals(List.of(1, 2), partial.data());
    }

    @Test
    void nullsInAMapAreWritten() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "x");
        m.put("finishedAt", null);
        String text = new String(written(w -> w.writeReply(Reply.of(m))), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"finishedAt\":null"), text);

        @SuppressWarnings("unchecked")
        Map<String, Object> back = (Map<String, Object>) reader(text).readReply().data();
        assertTrue(back.containsKey("finishedAt"));
        assertNull(back.get("finishedAt"));
    }

    @Test
    void aRegistrationKeepsItsNullsAndOrderOnTheWire() throws IOException {
        String text = new String(written(w -> w.writeReply(Reply.of(REGISTRATION))), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"finishedAt\":null"), text);
        int last = -1;
        for (String field : RegistrationTest.CONTRACT_ORDER) {
            int at = text.indexOf("\"" + field + "\":");
            assertTrue(at > last, field + " out of order in " + text);
            last = at;
        }
    }

    @Test
    void aTypedReplyReadsItsDataAsTheRequestsReplyType() throws IOException {
        RecordInfo info = new RecordInfo("https://h/a", "GET", "done", 200, Map.of("content-type", "audio/mpeg"),
                78_000_000_000L, 78_000_000_000L, "/store/1/0.body", 78_000_000_000L, "OK", "", null);
        byte[] lines = written(w -> {
            w.writeReply(Reply.of(REGISTRATION));
            w.writeReply(Reply.of(List.of(info, info)));
        });
        WireCodec r = reader(lines);
        assertEquals(REGISTRATION, r.readReply(new Request.Abort("x").replyType()).data());
        assertEquals(List.of(info, info), r.readReply(new Request.Records("x").replyType()).data());
    }

    @Test
    void anUnknownRequestTypeIsAProtocolError() {
        assertThrows(WireCodec.ProtocolException.class,
                () -> reader("{\"type\":\"Format\",\"request\":{\"disk\":\"/\"}}\n").readRequest());
        assertThrows(WireCodec.ProtocolException.class, () -> reader("{\"request\":{}}\n").readRequest());
        assertThrows(WireCodec.ProtocolException.class,
                () -> reader("{\"type\":\"Request\",\"request\":{}}\n").readRequest(), "not the interface itself");
    }

    @Test
    void garbageIsAnIoError() {
        assertThrows(IOException.class, () -> reader("this is not json\n").readRequest());
        assertThrows(IOException.class, () -> reader("GET / HTTP/1.1\r\n").readHello());
    }

    @Test
    void aRequestWithoutABodyGetsDefaults() throws IOException {
        assertInstanceOf(Request.Info.class, reader("{\"type\":\"Info\"}\n").readRequest());
    }

    @Test
    void aClosedConnectionIsEof() {
        assertThrows(EOFException.class, () -> reader(new byte[0]).readReply());
    }

    @Test
    void nonAsciiSurvivesIntact() throws IOException {
        String id = "日本語 ü 🎧 \u0000 \t end";
        byte[] line = written(w -> w.writeRequest(new Request.Abort(id)));
        assertEquals(new Request.Abort(id), reader(line).readRequest());
    }

    private static int count(byte[] bytes, byte b) {
        int n = 0;
        for (byte x : bytes) {
            if (x == b) {
                n++;
            }
        }
        return n;
    }
}
