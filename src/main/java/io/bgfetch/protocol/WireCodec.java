package io.bgfetch.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Framing and encoding: one JSON document per line, UTF-8. JSON escapes newlines inside
 * strings, so a newline always ends a message. Both sides encode with {@link JsonRecords}.
 *
 * <pre>
 * client: {"hello":"bgfetch","protocol":2,"version":"0.1.0","pid":42}
 * daemon: {"hello":"bgfetch","protocol":2,"version":"0.1.0","pid":123}
 * client: {"type":"Status","request":{"ids":["x"]}}
 * daemon: {"ok":true,"last":true,"exitCode":0,"error":null,"data":[...]}
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

    private final BufferedReader in;
    private final OutputStream out;
    private final long maxWrittenLine;

    /** A codec that writes lines of any length (the daemon's side: replies are not bounded). */
    public WireCodec(InputStream in, OutputStream out) {
        this(in, out, Long.MAX_VALUE);
    }

    /**
     * @param maxWrittenLine the longest line this side may write, in bytes without its newline
     *                       (the client's side: {@link #MAX_REQUEST_BYTES}); a longer message
     *                       is refused with {@link LineTooLong} before a byte of it is sent
     */
    public WireCodec(InputStream in, OutputStream out, long maxWrittenLine) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
        this.out = out;
        this.maxWrittenLine = maxWrittenLine;
    }

    /** A message longer than the codec's limit, refused before any of it was sent. */
    public static final class LineTooLong extends IOException {
        private final long bytes;

        LineTooLong(long bytes) {
            super("message too long");
            this.bytes = bytes;
        }

        /** The message's length in bytes, without its newline. */
        public long bytes() {
            return bytes;
        }
    }

    /** The greeting both sides send first. */
    public record Hello(String hello, int protocol, String version, long pid) {
        public boolean compatible() {
            return "bgfetch".equals(hello) && protocol == PROTOCOL;
        }
    }

    public void writeHello(String version, long pid) throws IOException {
        writeLine(new Hello("bgfetch", PROTOCOL, version, pid));
    }

    /** The other side's greeting; null when it sent JSON null. */
    public Hello readHello() throws IOException {
        try (JsonParser p = parser(readLine())) {
            return (Hello) JsonRecords.read(p, Hello.class);
        }
    }

    public void writeRequest(Request<?> request) throws IOException {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("type", request.getClass().getSimpleName());
        envelope.put("request", request);
        writeLine(envelope);
    }

    /** A request, or null when the client sent JSON null. */
    public Request<?> readRequest() throws IOException {
        String line = readLine();
        try (JsonParser p = parser(line)) {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            expectObject(p);
            String type = null;
            Object body = null;
            boolean bodyRead = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("type")) {
                    type = p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : p.currentToken().toString();
                } else if (field.equals("request") && type != null) {
                    body = JsonRecords.read(p, requestType(type));
                    bodyRead = true;
                } else if (field.equals("request")) {
                    body = JsonRecords.read(p, Object.class); // before its type: typed below, once known
                } else {
                    p.skipChildren();
                }
            }
            Class<?> c = requestType(type);
            if (!bodyRead || body == null) {
                try (JsonParser again = parser(JsonRecords.toJson(body == null ? Map.of() : body))) {
                    body = JsonRecords.read(again, c);
                }
            }
            return (Request<?>) body;
        }
    }

    private static Class<?> requestType(String name) throws ProtocolException {
        Class<?> type = RequestTypes.BY_NAME.get(name);
        if (type == null) {
            throw new ProtocolException("unknown request type: " + name);
        }
        return type;
    }

    public void writeReply(Reply reply) throws IOException {
        writeLine(reply);
    }

    /** Reads a reply; its {@code data} is left as plain JSON values (maps, lists, numbers). */
    public Reply readReply() throws IOException {
        return readReply(Object.class);
    }

    /** Reads a reply whose {@code data} is the request's reply type (null on a failure). */
    public Reply readReply(ReplyType<?> type) throws IOException {
        return readReply(type.javaType());
    }

    private Reply readReply(Type dataType) throws IOException {
        try (JsonParser p = parser(readLine())) {
            expectObject(p);
            boolean ok = false;
            boolean last = true;
            int exitCode = 0;
            String error = null;
            Object data = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "ok" -> ok = t == JsonToken.VALUE_TRUE;
                    case "last" -> last = t != JsonToken.VALUE_FALSE;
                    case "exitCode" -> exitCode = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 0;
                    case "error" -> error = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    // a failure's data is null whatever the request, so it reads as any type
                    case "data" -> data = JsonRecords.read(p, dataType);
                    default -> p.skipChildren();
                }
            }
            return new Reply(ok, last, exitCode, error, data);
        }
    }

    private static JsonParser parser(String line) throws IOException {
        JsonParser p = JsonRecords.FACTORY.createParser(line);
        if (p.nextToken() == null) {
            p.close();
            throw new ProtocolException("an empty message");
        }
        return p;
    }

    private static void expectObject(JsonParser p) throws ProtocolException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new ProtocolException("a message must be a JSON object, not " + p.currentToken());
        }
    }

    /** The request types by name: only a daemon reads requests, so only it loads them all. */
    private static final class RequestTypes {
        static final Map<String, Class<?>> BY_NAME = new LinkedHashMap<>();

        static {
            for (Class<?> c : Request.class.getPermittedSubclasses()) {
                BY_NAME.put(c.getSimpleName(), c);
            }
        }
    }

    /** Writes one message in one piece, then its newline. */
    private void writeLine(Object message) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JsonRecords.FACTORY.createGenerator(bytes)) {
            JsonRecords.write(g, message);
        }
        // JSON escapes the newlines inside strings: the message is one line, of its full length.
        if (bytes.size() > maxWrittenLine) {
            throw new LineTooLong(bytes.size());
        }
        bytes.write('\n');
        bytes.writeTo(out); // in one piece, without a copy
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
