package io.bgfetch.protocol;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Framing and encoding: one JSON document per line, UTF-8. JSON escapes newlines inside
 * strings, so a newline always ends a message.
 *
 * <pre>
 * client: {"hello":"bgfetch","protocol":2,"version":"0.1.0"}
 * daemon: {"hello":"bgfetch","protocol":2,"version":"0.1.0","pid":123}
 * client: {"type":"Status","request":{"ids":["x"]}}
 * daemon: {"ok":true,"last":true,"exitCode":0,"data":[...]}
 * </pre>
 */
public final class WireCodec implements AutoCloseable {
    /** Bump on any incompatible change of {@link Request} or {@link Reply}. 2: one options record, typed replies. */
    public static final int PROTOCOL = 2;
    /**
     * The longest request line the daemon reads, in bytes of UTF-8. A fetch of 10,000 URLs of
     * 100 characters is 1.4 MB on the wire (2.1 MB with a sha256 and an out= name for each), so
     * this leaves room for larger lists while bounding what a broken client can make the daemon
     * hold. The client checks it before it sends. (Replies are not bounded by it.)
     */
    public static final int MAX_REQUEST_BYTES = 4 << 20;
    private static final int MAX_LINE_CHARS = 64 << 20;

    /**
     * The one JSON binding of the protocol and of {@code --json} output: records are written
     * with their components in declaration order (the contract's field order) and nothing
     * else (no {@code isDone()} pseudo-properties); nulls are written, since
     * {@code "finishedAt": null} is part of the contract's JSON.
     */
    public static final JSON JSON_CODEC = JSON.std
            .with(JSON.Feature.WRITE_NULL_PROPERTIES, JSON.Feature.WRITE_RECORD_FIELDS_IN_DECLARATION_ORDER)
            .without(JSON.Feature.USE_IS_GETTERS);
    private static final Map<String, Class<?>> REQUEST_TYPES = new LinkedHashMap<>();

    static {
        for (Class<?> c : Request.class.getPermittedSubclasses()) {
            REQUEST_TYPES.put(c.getSimpleName(), c);
        }
    }

    private final BufferedReader in;
    private final OutputStream out;

    public WireCodec(InputStream in, OutputStream out) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
        this.out = out;
    }

    /** The greeting both sides send first. */
    public record Hello(String hello, int protocol, String version, long pid) {
        public boolean compatible() {
            return "bgfetch".equals(hello) && protocol == PROTOCOL;
        }
    }

    public void writeHello(String version, long pid) throws IOException {
        writeLine(JSON_CODEC.asString(new Hello("bgfetch", PROTOCOL, version, pid)));
    }

    public Hello readHello() throws IOException {
        return JSON_CODEC.beanFrom(Hello.class, readLine());
    }

    public void writeRequest(Request<?> request) throws IOException {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("type", request.getClass().getSimpleName());
        envelope.put("request", request);
        writeLine(JSON_CODEC.asString(envelope));
    }

    public Request<?> readRequest() throws IOException {
        Map<String, Object> envelope = JSON_CODEC.mapFrom(readLine());
        Class<?> type = REQUEST_TYPES.get(String.valueOf(envelope.get("type")));
        if (type == null) {
            throw new ProtocolException("unknown request type: " + envelope.get("type"));
        }
        Object body = envelope.get("request");
        return (Request<?>) JSON_CODEC.beanFrom(type, JSON_CODEC.asString(body == null ? Map.of() : body));
    }

    public void writeReply(Reply reply) throws IOException {
        writeLine(JSON_CODEC.asString(reply));
    }

    /** Reads a reply; its {@code data} is left as plain JSON values (maps, lists, numbers). */
    public Reply readReply() throws IOException {
        Map<String, Object> m = JSON_CODEC.mapFrom(readLine());
        return new Reply(Boolean.TRUE.equals(m.get("ok")), !Boolean.FALSE.equals(m.get("last")),
                m.get("exitCode") instanceof Number n ? n.intValue() : 0,
                (String) m.get("error"), m.get("data"));
    }

    private void writeLine(String json) throws IOException {
        out.write(json.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        out.flush();
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (line.length() >= MAX_LINE_CHARS) {
                throw new ProtocolException("message too long");
            }
            line.append((char) c);
        }
        if (c == -1 && line.length() == 0) {
            throw new java.io.EOFException("connection closed");
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } finally {
            out.close();
        }
    }

    /** The other side sent something that is not this protocol. */
    public static final class ProtocolException extends IOException {
        public ProtocolException(String message) {
            super(message);
        }
    }
}
