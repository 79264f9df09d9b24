package io.bgfetch.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What one command did: its exit code, its stdout as raw bytes (bodies are binary) and its stderr.
 * {@link #json()} and {@link #jsonArray()} insist on exactly one JSON document on stdout, as the
 * contract demands of {@code --json}.
 */
public record Result(int exit, byte[] stdoutBytes, String stderr) {

    private static final JsonFactory FACTORY = new JsonFactory();

    /** Stdout decoded as UTF-8. */
    public String out() {
        return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    /** Stdout as one JSON object; fails the test when stdout is anything else. */
    public Map<String, Object> json() {
        Object v = parseSingleDocument();
        if (!(v instanceof Map)) {
            fail("expected a JSON object on stdout, got: " + describe());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return m;
    }

    /** Stdout as one JSON array; fails the test when stdout is anything else. */
    public List<Object> jsonArray() {
        Object v = parseSingleDocument();
        if (!(v instanceof List)) {
            fail("expected a JSON array on stdout, got: " + describe());
        }
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) v;
        return l;
    }

    private Object parseSingleDocument() {
        try (JsonParser p = FACTORY.createParser(stdoutBytes)) {
            if (p.nextToken() == null) {
                fail("expected one JSON document on stdout, got nothing; " + describe());
            }
            Object v = JSON.std.anyFrom(p);
            JsonToken extra = p.nextToken();
            if (extra != null) {
                fail("expected exactly one JSON document on stdout, found more after it (" + extra + "); "
                        + describe());
            }
            return v;
        } catch (IOException e) {
            fail("stdout is not valid JSON (" + e.getMessage() + "); " + describe());
            return null;
        }
    }

    /** A readable summary for assertion messages. */
    public String describe() {
        String o = out();
        if (o.length() > 2000) {
            o = o.substring(0, 2000) + "...(" + stdoutBytes.length + " bytes)";
        }
        return "exit=" + exit + "\n--- stdout ---\n" + o + "\n--- stderr ---\n" + stderr;
    }

    @Override
    public String toString() {
        return describe();
    }
}
